package dev.uvgem.conformance;

import dev.uvgem.api.Uvgem;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;
import dev.uvgem.sys.KernelConfig;

/** An {@link Env} whose processes are processes of a kernel booted in the test's JVM, called directly. */
final class EmbeddedEnv extends ProcessesEnv {
    private final Boot.Booted booted;

    EmbeddedEnv(KernelConfig config) {
        this.booted = Boot.kernelWithDevices(config);
    }

    @Override
    public Backend backend() {
        return Backend.EMBEDDED;
    }

    @Override
    Uvgem spawn(String comm, boolean admin) {
        return Uvgem.process(booted.kernel(), comm, admin);
    }

    @Override
    public boolean mappingsPinBuffers() {
        return true;
    }

    @Override
    public Boot.Devices devices() {
        return booted.devices();
    }

    @Override
    public Kernel kernel() {
        return booted.kernel();
    }

    @Override
    void shutdown() {
        booted.kernel().close();
    }
}
