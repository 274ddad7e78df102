package jp.kofuhub.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * The benchmarks' result table: Markdown, columns padded, columns from {@code firstRight} on
 * right-aligned.
 */
final class MarkdownTable {

    private MarkdownTable() {}

    static void print(PrintStream out, String[] columns, List<String[]> rows, int firstRight) {
        int[] w = new int[columns.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = columns[i].length();
            for (String[] row : rows) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        StringBuilder head = new StringBuilder("|");
        StringBuilder sep = new StringBuilder("|");
        for (int i = 0; i < w.length; i++) {
            head.append(' ').append(pad(columns[i], w[i], i >= firstRight)).append(" |");
            sep.append(i >= firstRight ? "-".repeat(w[i] + 1) + ":|" : "-".repeat(w[i] + 2) + "|");
        }
        out.println(head);
        out.println(sep);
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < w.length; i++) {
                line.append(' ').append(pad(row[i], w[i], i >= firstRight)).append(" |");
            }
            out.println(line);
        }
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
