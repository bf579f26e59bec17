package dev.uvgem.core.dmabuf;

/**
 * A device's attachment to a dma-buf, as {@code struct dma_buf_attachment}: the record that an importer uses
 * the buffer, listed under "Attached Devices" in bufinfo. Created by {@link DmaBuf#attach}, ended by {@link
 * DmaBuf#detach}.
 *
 * <p>Thread-safety: immutable.
 */
public final class DmaBufAttachment {
    private final DmaBuf buf;
    private final String device;

    DmaBufAttachment(DmaBuf buf, String device) {
        this.buf = buf;
        this.device = device;
    }

    /** Returns the buffer attached to. */
    public DmaBuf buf() {
        return buf;
    }

    /** Returns the importing device's name. */
    public String device() {
        return device;
    }

    @Override
    public String toString() {
        return "attachment[" + device + " -> " + buf + "]";
    }
}
