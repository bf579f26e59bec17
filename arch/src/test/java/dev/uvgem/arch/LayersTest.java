package dev.uvgem.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Layers only point down: uapi → core → drivers → sys → daemon → api → client → cli: the daemon serves sys
 * over the wire and only the CLI starts it; the remote client sits on top of api and never reaches the kernel
 * below it; and inside core the kernel's include order
 * (cgroup, time, trace and vfs at the bottom; fence; containers; resv and syncfile; swsync and dmabuf on top). A change that
 * reaches up fails here.
 */
class LayersTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.uvgem");
    }

    @Test
    void everyLayerIsImported() {
        for (String pkg : new String[] {"uapi", "core", "drivers", "sys", "daemon", "api", "client", "cli"}) {
            assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith("dev.uvgem." + pkg)))
                    .as("classes of layer %s are on the class path", pkg)
                    .isTrue();
        }
    }

    @Test
    void modulesOnlyPointDown() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("uapi")
                .definedBy("dev.uvgem.uapi..")
                .layer("core")
                .definedBy("dev.uvgem.core..")
                .layer("drivers")
                .definedBy("dev.uvgem.drivers..")
                .layer("sys")
                .definedBy("dev.uvgem.sys..")
                .layer("daemon")
                .definedBy("dev.uvgem.daemon..")
                .layer("api")
                .definedBy("dev.uvgem.api..")
                .layer("client")
                .definedBy("dev.uvgem.client..")
                .layer("cli")
                .definedBy("dev.uvgem.cli..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("client")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("daemon")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("api")
                .mayOnlyBeAccessedByLayers("client", "cli")
                .whereLayer("sys")
                .mayOnlyBeAccessedByLayers("daemon", "api", "cli")
                .whereLayer("drivers")
                .mayOnlyBeAccessedByLayers("sys", "daemon", "api", "cli")
                .whereLayer("core")
                .mayOnlyBeAccessedByLayers("drivers", "sys", "daemon", "api", "cli")
                .check(classes);
    }

    /** The remote client is the Java API over a socket: it speaks the wire, and knows nothing of the kernel. */
    @Test
    void theClientSeesOnlyTheApiAndTheUapi() {
        assertIndependent(
                new String[] {"dev.uvgem.client.."},
                new String[] {"dev.uvgem.core..", "dev.uvgem.drivers..", "dev.uvgem.sys..", "dev.uvgem.daemon.."});
    }

    @Test
    void timeAndVfsDependOnNothingAboveThem() {
        assertIndependent(core("time", "vfs"), core("fence", "resv", "syncfile", "swsync", "dmabuf"));
    }

    /** Tracing sits at the bottom of core, next to time: every package emits into it, it knows none of them. */
    @Test
    void traceDependsOnNothingElseInCore() {
        assertIndependent(
                core("trace"), core("cgroup", "time", "vfs", "fence", "resv", "syncfile", "swsync", "dmabuf"));
    }

    @Test
    void cgroupsDependOnNothingElseInCore() {
        assertIndependent(core("cgroup"), core("time", "vfs", "fence", "resv", "syncfile", "swsync", "dmabuf"));
    }

    /** Fences see only time and trace below them. */
    @Test
    void fencesDependOnlyOnTime() {
        assertIndependent(core("fence"), core("resv", "syncfile", "swsync", "dmabuf", "vfs"));
    }

    @Test
    void fenceCoreDoesNotKnowItsContainers() {
        assertIndependent(new String[] {"dev.uvgem.core.fence"}, new String[] {"dev.uvgem.core.fence.container.."});
    }

    @Test
    void reservationsAndSyncFilesSitBelowDmaBuf() {
        assertIndependent(core("resv", "syncfile"), core("dmabuf", "swsync"));
    }

    @Test
    void swSyncAndDmaBufDoNotKnowEachOther() {
        assertIndependent(core("swsync"), core("dmabuf"));
        assertIndependent(core("dmabuf"), core("swsync"));
    }

    @Test
    void theDrmCoreDoesNotKnowVgem() {
        assertIndependent(new String[] {"dev.uvgem.drivers.drm.."}, new String[] {"dev.uvgem.drivers.vgem.."});
    }

    /** Checks that no class in any of {@code packages} depends on a class in any of {@code forbidden}. */
    private static void assertIndependent(String[] packages, String[] forbidden) {
        noClasses()
                .that()
                .resideInAnyPackage(packages)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(forbidden)
                .check(classes);
    }

    /** Returns the patterns of the core packages {@code names} and their subpackages. */
    private static String[] core(String... names) {
        return Arrays.stream(names).map(n -> "dev.uvgem.core." + n + "..").toArray(String[]::new);
    }
}
