/**
 * Resource accounting, as the kernel's memory and misc cgroup controllers: a {@link dev.uvgem.core.cgroup.Cgroup}
 * per process that buffers, their memory and fences are charged to when created and uncharged from when freed,
 * each charge refused with the kernel's errno once a limit would be passed.
 */
package dev.uvgem.core.cgroup;
