package dev.uvgem.sys;

import dev.uvgem.core.vfs.Device;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A device whose every open makes a new file on one shared {@link FakeOps}. */
final class FakeDevice implements Device {
    final FakeOps ops = new FakeOps();
    final List<OpenFile> opened = new CopyOnWriteArrayList<>();
    final List<Task> openers = new CopyOnWriteArrayList<>();

    @Override
    public OpenFile open(int flags, Task task) {
        OpenFile f = new OpenFile(ops, this, flags);
        opened.add(f);
        openers.add(task);
        return f;
    }

    int opens() {
        return opened.size();
    }
}
