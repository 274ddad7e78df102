package jp.kofuhub.tools;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import jp.kofuhub.ArchitectureTest;

/**
 * The hub and its tools together (kofu-hub's jar and this module's classes): the hub never depends
 * on a tool, and no package cycle runs through the tools either.
 */
@AnalyzeClasses(
        packages = "jp.kofuhub",
        importOptions = {
            ImportOption.DoNotIncludeTests.class,
            ToolsArchitectureTest.NoTestJars.class
        })
class ToolsArchitectureTest {

    /** The hub's test-jar (its test support) is not part of the hub. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule hubNeverUsesTheTools =
            noClasses()
                    .that()
                    .resideOutsideOfPackages(ArchitectureTest.TOOLS)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(ArchitectureTest.TOOLS)
                    .because("kofu-tools depends on kofu-hub, never the other way");

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().assignedFrom(ArchitectureTest.PACKAGES).should().beFreeOfCycles();
}
