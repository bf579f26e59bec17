package dev.uvgem.conformance;

import dev.uvgem.api.Uvgem;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.KernelConfig;
import java.util.ArrayList;
import java.util.List;

/** An {@link Env} whose processes are processes of a kernel booted in the test's JVM, called directly. */
final class EmbeddedEnv implements Env {
    private final Boot.Booted booted;
    private final List<Uvgem> processes = new ArrayList<>();
    private Uvgem root;

    EmbeddedEnv(KernelConfig config) {
        this.booted = Boot.kernelWithDevices(config);
    }

    @Override
    public Backend backend() {
        return Backend.EMBEDDED;
    }

    @Override
    public synchronized Uvgem root() {
        if (root == null) {
            root = process("igt", true);
        }
        return root;
    }

    @Override
    public synchronized Uvgem process(String comm, boolean admin) {
        Uvgem p = Uvgem.process(booted.kernel(), comm, admin);
        processes.add(p);
        return p;
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
    public synchronized void close() {
        for (Uvgem p : processes) {
            p.close();
        }
        booted.kernel().close();
    }
}
