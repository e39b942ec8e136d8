package dev.trellis.ingestion;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Name matching for link suggestions: exact after normalising, or close by shared words and edit distance. */
final class JobMatch {
    /** Below this a name is not suggested. */
    static final double CLOSE = 0.6;

    private JobMatch() {
    }

    static String normalise(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }

    /** 1.0 for the same normalised name; otherwise the better of word overlap (Jaccard) and edit similarity. */
    static double score(String a, String b) {
        String x = normalise(a);
        String y = normalise(b);
        if (x.isEmpty() || y.isEmpty()) {
            return 0;
        }
        if (x.equals(y)) {
            return 1.0;
        }
        Set<String> wx = new HashSet<>(Arrays.asList(x.split(" ")));
        Set<String> wy = new HashSet<>(Arrays.asList(y.split(" ")));
        Set<String> both = new HashSet<>(wx);
        both.retainAll(wy);
        Set<String> any = new HashSet<>(wx);
        any.addAll(wy);
        double jaccard = (double) both.size() / any.size();
        double edit = 1.0 - (double) levenshtein(x, y) / Math.max(x.length(), y.length());
        return Math.min(0.99, Math.max(jaccard, edit));
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
