package dev.uvgem.client;

import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.UvgemFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The consumer of {@link CrossProcessTest}, run as a separate OS process: connects to the daemon, receives the
 * dma-buf whose token is its second argument, maps it, waits for the producer's fence with a parked poll, and
 * prints the sum of the frame's longs.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {}

    public static void main(String[] args) throws Exception {
        try (Uvgem uvgem = UvgemClient.connect(Path.of(args[0]), "consumer");
                DmaBufFd frame = uvgem.receive(HexFormat.of().parseHex(args[1])).asDmaBuf();
                MappedMemory pixels = frame.map(false)) {
            System.out.println("ready " + frame.size());
            System.out.flush();
            int ready = frame.poll(UvgemFile.POLLIN, Duration.ofSeconds(20));
            long sum = 0;
            for (long i = 0; i < pixels.segment().byteSize() / 8; i++) {
                sum += pixels.segment().getAtIndex(ValueLayout.JAVA_LONG, i);
            }
            System.out.println("polled " + ready + " sum " + sum);
        }
    }
}
