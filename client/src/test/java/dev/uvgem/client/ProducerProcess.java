package dev.uvgem.client;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The producer of {@link CrossProcessTest}, run as a separate OS process: connects to the daemon at its first
 * argument, creates a 512x512 buffer, attaches a write fence, exports it and sends the dma-buf (printing {@code
 * token <hex> size <bytes>}). On {@code frame} from stdin it writes a frame of longs ({@code i * 7 + 1}), signals,
 * prints {@code signalled sum <sum>}, attaches the next fence and prints {@code armed}; then it waits for more
 * commands (the test kills it with that fence pending).
 */
public final class ProducerProcess {
    private ProducerProcess() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Uvgem uvgem = UvgemClient.connect(Path.of(args[0]), "producer");
                VgemDevice vgem = uvgem.openVgem();
                BufferObject bo = vgem.createDumb(512, 512, 32);
                DmaBufFd dmabuf = bo.export(true);
                MappedMemory pixels = bo.map()) {
            VgemFence fence = bo.attachFence(true);
            System.out.println("token " + HexFormat.of().formatHex(dmabuf.send()) + " size " + bo.size());
            System.out.flush();
            String command;
            while ((command = in.readLine()) != null) {
                if (command.equals("frame")) {
                    long sum = 0;
                    for (long i = 0; i < bo.size() / 8; i++) {
                        pixels.segment().setAtIndex(ValueLayout.JAVA_LONG, i, i * 7 + 1);
                        sum += i * 7 + 1;
                    }
                    fence.signal();
                    System.out.println("signalled sum " + sum);
                    fence = bo.attachFence(true);
                    System.out.println("armed");
                    System.out.flush();
                }
            }
        }
    }
}
