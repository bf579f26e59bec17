package dev.uvgem.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A table read from a tab-separated debugfs listing (a header line, then one line per row), printed with aligned
 * columns for people.
 *
 * <p>Thread-safety: not thread-safe; built and printed by one command.
 */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> header) {
        this.header = header;
    }

    /** Parses {@code text}: its first line names the columns. */
    static Table parse(String text) {
        String[] lines = text.split("\n");
        Table t = new Table(Arrays.asList(lines[0].split("\t", -1)));
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isEmpty()) {
                t.rows.add(new ArrayList<>(Arrays.asList(lines[i].split("\t", -1))));
            }
        }
        return t;
    }

    /** Returns the number of rows. */
    int size() {
        return rows.size();
    }

    /** Returns the index of column {@code name}. */
    int column(String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalStateException("the listing has no column " + name + ": " + header);
        }
        return i;
    }

    /** Returns the cells of column {@code name}, top to bottom. */
    List<String> cells(String name) {
        int c = column(name);
        return rows.stream().map(r -> r.get(c)).toList();
    }

    /** Rewrites every cell of column {@code name} with {@code format}. */
    void format(String name, UnaryOperator<String> format) {
        int c = column(name);
        for (List<String> r : rows) {
            r.set(c, format.apply(r.get(c)));
        }
    }

    /** Returns the table with aligned columns, the header in capitals, two spaces between columns. */
    String render() {
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> r : rows) {
                widths[c] = Math.max(widths[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header.stream().map(h -> h.toUpperCase(Locale.ROOT)).toList(), widths);
        for (List<String> r : rows) {
            line(sb, r, widths);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            l.append(cells.get(c));
            if (c < cells.size() - 1) {
                l.repeat(' ', widths[c] - cells.get(c).length() + 2);
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
