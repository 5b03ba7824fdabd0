import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

/**
 * Checks that the union of the given ontology files is in the OWL 2 DL profile, with the
 * OWL API's own profile checker (the OWL API that ships inside owlready2's HermiT.jar).
 * Prints one line per violation, then "classes N violations M".
 * Run: java -cp HermiT.jar DLProfile.java FILE...
 */
public class DLProfile {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology union = manager.createOntology(IRI.create("urn:ecograph:ontology-files"));
        for (String path : args) {
            OWLOntology part = manager.loadOntologyFromOntologyDocument(new File(path));
            manager.addAxioms(union, part.getAxioms());
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(union);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println(violation.toString().replace('\n', ' '));
        }
        System.out.println("classes " + union.getClassesInSignature().size() + " violations " + report.getViolations().size());
    }
}
