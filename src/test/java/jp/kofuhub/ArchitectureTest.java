package jp.kofuhub;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The hub's package rules (issue #17): the routes' beans over the domain over the replica, no
 * package cycle, and no tool in the hub. kofu-tools checks the same cycles with the tools included
 * ({@code jp.kofuhub.tools.ToolsArchitectureTest}).
 */
@AnalyzeClasses(packages = "jp.kofuhub", importOptions = ImportOption.DoNotIncludeTests.class)
public class ArchitectureTest {

    /** The packages of kofu-tools: never in the hub, never used by it. */
    public static final String[] TOOLS = {
        "jp.kofuhub.generator..",
        "jp.kofuhub.bench..",
        "jp.kofuhub.kiosk..",
        "jp.kofuhub.koseki.sim..",
        "jp.kofuhub.demo..",
        "jp.kofuhub.tools.."
    };

    /**
     * One slice per package under jp.kofuhub, with its subpackages; the root package (the launcher
     * and the wiring, {@code KofuHub}, {@code HubBeans}) is a slice of its own, and so is
     * koseki.sim (a tool).
     */
    public static final SliceAssignment PACKAGES =
            new SliceAssignment() {
                @Override
                public SliceIdentifier getIdentifierOf(JavaClass c) {
                    String p = c.getPackageName();
                    if (p.equals("jp.kofuhub")) {
                        return SliceIdentifier.of("(root)");
                    }
                    if (!p.startsWith("jp.kofuhub.")) {
                        return SliceIdentifier.ignore();
                    }
                    String rest = p.substring("jp.kofuhub.".length());
                    if (rest.equals("koseki.sim") || rest.startsWith("koseki.sim.")) {
                        return SliceIdentifier.of("koseki.sim");
                    }
                    int dot = rest.indexOf('.');
                    return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
                }

                @Override
                public String getDescription() {
                    return "packages of jp.kofuhub";
                }
            };

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().assignedFrom(PACKAGES).should().beFreeOfCycles();

    /**
     * Flows: the beans the routes call by name, the commands and the wiring. Plumbing: keys
     * (security, TLS, OpenPGP, at rest) and cli, used by the flows only. Domain: certificate kinds,
     * municipality profiles, rendering, the registry's export format. Data: the replica and its
     * readers.
     */
    @ArchTest
    static final ArchRule layers =
            layeredArchitecture()
                    .consideringOnlyDependenciesInLayers()
                    .layer("Flows")
                    .definedBy(
                            "jp.kofuhub",
                            "jp.kofuhub.issuance..",
                            "jp.kofuhub.sync..",
                            "jp.kofuhub.settlement..",
                            "jp.kofuhub.history..",
                            "jp.kofuhub.koseki..",
                            "jp.kofuhub.ops..",
                            "jp.kofuhub.health..",
                            "jp.kofuhub.metrics..",
                            "jp.kofuhub.console..",
                            "jp.kofuhub.cluster..")
                    .layer("Plumbing")
                    .definedBy("jp.kofuhub.keys..", "jp.kofuhub.cli..")
                    .layer("Domain")
                    .definedBy(
                            "jp.kofuhub.certificate..",
                            "jp.kofuhub.municipality..",
                            "jp.kofuhub.render..",
                            "jp.kofuhub.printout..",
                            "jp.kofuhub.registry..")
                    .layer("Data")
                    .definedBy("jp.kofuhub.replica..")
                    .whereLayer("Flows")
                    .mayNotBeAccessedByAnyLayer()
                    .whereLayer("Plumbing")
                    .mayOnlyBeAccessedByLayers("Flows")
                    .whereLayer("Domain")
                    .mayOnlyBeAccessedByLayers("Flows")
                    .whereLayer("Data")
                    .mayOnlyBeAccessedByLayers("Flows", "Domain");

    @ArchTest
    static final ArchRule noToolsInTheHub =
            noClasses()
                    .should()
                    .resideInAnyPackage(TOOLS)
                    .because("the tools live in kofu-tools, outside the hub's jar and image");

    @ArchTest
    static final ArchRule hubNeverUsesTheTools =
            noClasses().should().dependOnClassesThat().resideInAnyPackage(TOOLS);
}
