package dev.uvgem.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
        noClasses()
                .that()
                .resideInAPackage("dev.uvgem.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.uvgem.core..", "dev.uvgem.drivers..", "dev.uvgem.sys..", "dev.uvgem.daemon..")
                .check(classes);
    }

    @Test
    void timeAndVfsDependOnNothingAboveThem() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.uvgem.core.time..", "dev.uvgem.core.vfs..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.uvgem.core.fence..",
                        "dev.uvgem.core.resv..",
                        "dev.uvgem.core.syncfile..",
                        "dev.uvgem.core.swsync..",
                        "dev.uvgem.core.dmabuf..")
                .check(classes);
    }

    /** Tracing sits at the bottom of core, next to time: every package emits into it, it knows none of them. */
    @Test
    void traceDependsOnNothingElseInCore() {
        noClasses()
                .that()
                .resideInAPackage("dev.uvgem.core.trace..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.uvgem.core.cgroup..",
                        "dev.uvgem.core.time..",
                        "dev.uvgem.core.vfs..",
                        "dev.uvgem.core.fence..",
                        "dev.uvgem.core.resv..",
                        "dev.uvgem.core.syncfile..",
                        "dev.uvgem.core.swsync..",
                        "dev.uvgem.core.dmabuf..")
                .check(classes);
    }

    @Test
    void cgroupsDependOnNothingElseInCore() {
        noClasses()
                .that()
                .resideInAPackage("dev.uvgem.core.cgroup..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.uvgem.core.time..",
                        "dev.uvgem.core.vfs..",
                        "dev.uvgem.core.fence..",
                        "dev.uvgem.core.resv..",
                        "dev.uvgem.core.syncfile..",
                        "dev.uvgem.core.swsync..",
                        "dev.uvgem.core.dmabuf..")
                .check(classes);
    }

    /** Fences see only time and trace below them. */
    @Test
    void fencesDependOnlyOnTime() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.uvgem.core.fence..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.uvgem.core.resv..",
                        "dev.uvgem.core.syncfile..",
                        "dev.uvgem.core.swsync..",
                        "dev.uvgem.core.dmabuf..",
                        "dev.uvgem.core.vfs..")
                .check(classes);
    }

    @Test
    void fenceCoreDoesNotKnowItsContainers() {
        noClasses()
                .that()
                .resideInAPackage("dev.uvgem.core.fence")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.uvgem.core.fence.container..")
                .check(classes);
    }

    @Test
    void reservationsAndSyncFilesSitBelowDmaBuf() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.uvgem.core.resv..", "dev.uvgem.core.syncfile..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.uvgem.core.dmabuf..", "dev.uvgem.core.swsync..")
                .check(classes);
    }

    @Test
    void swSyncAndDmaBufDoNotKnowEachOther() {
        noClasses()
                .that()
                .resideInAPackage("dev.uvgem.core.swsync..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.uvgem.core.dmabuf..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.uvgem.core.dmabuf..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.uvgem.core.swsync..")
                .check(classes);
    }

    @Test
    void theDrmCoreDoesNotKnowVgem() {
        noClasses()
                .that()
                .resideInAPackage("dev.uvgem.drivers.drm..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.uvgem.drivers.vgem..")
                .check(classes);
    }
}
