package dev.uvgem.cli.demo;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes the scanned-out frames as PNG files ({@code frame-0007.png}, numbered in presentation order by frame) and,
 * at the end, a contact sheet of them all in presentation order ({@code contact-sheet.png}).
 *
 * <p>Thread-safety: safe for concurrent use; {@link #add} and {@link #finish} are synchronized.
 */
public final class FrameImages {
    private static final int COLUMNS = 8;

    private final Path dir;
    private final int width;
    private final int height;
    private final List<BufferedImage> thumbnails = new ArrayList<>();

    /**
     * Writes into {@code dir} (created if missing) frames of {@code width x height}.
     *
     * @throws UncheckedIOException if the directory cannot be created
     */
    public FrameImages(Path dir, int width, int height) {
        this.dir = dir;
        this.width = width;
        this.height = height;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes one presented frame and keeps a thumbnail for the sheet.
     *
     * <p>Context: any thread; does I/O. Locking: the object's monitor.
     */
    public synchronized void add(Presented p) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, p.pixels(), 0, width);
        write(img, dir.resolve(String.format("frame-%04d.png", p.frame())));
        BufferedImage thumb = new BufferedImage(width / 2, height / 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = thumb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, width / 2, height / 2, null);
        g.dispose();
        thumbnails.add(thumb);
    }

    /**
     * Writes the contact sheet and returns its path.
     *
     * <p>Context: any thread; does I/O. Locking: the object's monitor.
     */
    public synchronized Path finish() {
        int tw = width / 2;
        int th = height / 2;
        int cols = Math.max(1, Math.min(COLUMNS, thumbnails.size()));
        int rows = Math.max(1, (thumbnails.size() + cols - 1) / cols);
        BufferedImage sheet = new BufferedImage(cols * (tw + 2), rows * (th + 2), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        for (int i = 0; i < thumbnails.size(); i++) {
            g.drawImage(thumbnails.get(i), (i % cols) * (tw + 2) + 1, (i / cols) * (th + 2) + 1, null);
        }
        g.dispose();
        Path out = dir.resolve("contact-sheet.png");
        write(sheet, out);
        return out;
    }

    private static void write(BufferedImage img, Path file) {
        try {
            if (!ImageIO.write(img, "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
