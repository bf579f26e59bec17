package dev.uvgem.drivers.drm;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A device's fake mmap offset space, as {@code drm_vma_offset_manager}: each GEM object that gets mapped through
 * the DRM fd receives a range of page numbers there; userspace passes the range's byte offset to mmap(2) and the
 * device finds the object by it. On 64-bit the space starts at page {@code 0xFFFFFFFF >> PAGE_SHIFT} + 1 (byte
 * offset {@code 0x1_0000_0000}) and spans 256 times that many pages. Ranges are placed best-fit: the smallest
 * hole that holds them, at its start.
 *
 * <p>Thread-safety: all methods synchronise on the manager.
 */
final class DrmVmaManager {
    /** First page of the space. */
    static final long START_PAGE = (0xFFFFFFFFL >>> 12) + 1;
    /** Number of pages in the space. */
    static final long SIZE_PAGES = (0xFFFFFFFFL >>> 12) * 256;

    private final TreeMap<Long, Node> nodes = new TreeMap<>();

    /** An allocated range. */
    record Node(long start, long pages, GemObject object) {}

    /**
     * Allocates {@code pages} pages for {@code object} and returns the first page number.
     *
     * @throws ErrnoException ENOSPC if no hole is large enough
     */
    synchronized long add(GemObject object, long pages) {
        long bestStart = -1;
        long bestSize = Long.MAX_VALUE;
        long cursor = START_PAGE;
        long end = START_PAGE + SIZE_PAGES;
        for (Node n : nodes.values()) {
            long hole = n.start - cursor;
            if (hole >= pages && hole < bestSize) {
                bestStart = cursor;
                bestSize = hole;
            }
            cursor = n.start + n.pages;
        }
        long tail = end - cursor;
        if (tail >= pages && tail < bestSize) {
            bestStart = cursor;
        }
        if (bestStart < 0) {
            throw new ErrnoException(Errno.ENOSPC);
        }
        nodes.put(bestStart, new Node(bestStart, pages, object));
        return bestStart;
    }

    /** Frees the range starting at {@code start}. */
    synchronized void remove(long start) {
        nodes.remove(start);
    }

    /**
     * Finds the object whose range starts exactly at page {@code start} and holds at least {@code pages} pages, as
     * {@code drm_vma_offset_exact_lookup_locked}; null if none.
     */
    synchronized Node exactLookup(long start, long pages) {
        Map.Entry<Long, Node> e = nodes.floorEntry(start);
        if (e == null) {
            return null;
        }
        Node n = e.getValue();
        if (n.start != start || pages > n.pages) {
            return null;
        }
        return n;
    }

    /** Returns the number of allocated ranges. */
    synchronized int size() {
        return nodes.size();
    }
}
