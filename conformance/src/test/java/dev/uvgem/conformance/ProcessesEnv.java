package dev.uvgem.conformance;

import dev.uvgem.api.Uvgem;
import java.util.ArrayList;
import java.util.List;

/**
 * What every {@link Env} does the same way: the lazily started root process, the list of processes it started,
 * and ending them all before the backend shuts down. A backend supplies how a process starts and how it stops.
 *
 * <p>Thread-safety: synchronised on the environment.
 */
abstract class ProcessesEnv implements Env {
    private final List<Uvgem> processes = new ArrayList<>();
    private Uvgem root;

    /** Starts one process of this backend. */
    abstract Uvgem spawn(String comm, boolean admin);

    /** Shuts the backend down, after every process has ended. */
    abstract void shutdown();

    @Override
    public final synchronized Uvgem root() {
        if (root == null) {
            root = process("igt", true);
        }
        return root;
    }

    @Override
    public final synchronized Uvgem process(String comm, boolean admin) {
        Uvgem p = spawn(comm, admin);
        processes.add(p);
        return p;
    }

    @Override
    public final synchronized void close() {
        try {
            for (Uvgem p : processes) {
                p.close();
            }
        } finally {
            shutdown();
        }
    }
}
