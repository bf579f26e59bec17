package dev.uvgem.client;

import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.UvgemFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The consumer of {@link CrossProcessTest}, run as a separate OS process: connects to the daemon at its first
 * argument, reads a dma-buf token (hex) from the first line of stdin, receives and maps the buffer and prints
 * {@code ready <size>}. Each {@code poll} line then waits for the buffer's write fence with a parked poll and prints
 * {@code polled <revents> sum <sum of the frame's longs> after <ms>}; end of input ends it.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        byte[] token = HexFormat.of().parseHex(in.readLine());
        try (Uvgem uvgem = UvgemClient.connect(Path.of(args[0]), "consumer");
                DmaBufFd frame = uvgem.receive(token).asDmaBuf();
                MappedMemory pixels = frame.map(false)) {
            System.out.println("ready " + frame.size());
            System.out.flush();
            String command;
            while ((command = in.readLine()) != null) {
                if (command.equals("poll")) {
                    long t0 = System.nanoTime();
                    int ready = frame.poll(UvgemFile.POLLIN, Duration.ofSeconds(20));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    long sum = 0;
                    for (long i = 0; i < pixels.segment().byteSize() / 8; i++) {
                        sum += pixels.segment().getAtIndex(ValueLayout.JAVA_LONG, i);
                    }
                    System.out.println("polled " + ready + " sum " + sum + " after " + ms);
                    System.out.flush();
                }
            }
        }
    }
}
