package io.dso.observability;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Defence in depth for text that leaves the agent (log lines, audit {@code error} fields, API
 * errors): every current secret value is replaced by {@code [REDACTED]}. It keeps no value itself,
 * only keyed fingerprints (a polynomial hash with a random base, modulo 2^61-1) of each value and of
 * its first {@value #MIN_LENGTH} characters, so a heap dump of the agent holds no value because of
 * it. Matching is one pass over the text: a rolling hash of every {@value #MIN_LENGTH}-character
 * window selects candidates, each confirmed in constant time from prefix hashes.
 */
public final class Redactor {
  /** Shorter values would mangle ordinary words; they are never quoted by our own messages. */
  static final int MIN_LENGTH = 4;
  /** Values held at most (all secrets together): beyond it the oldest secrets are forgotten. */
  static final int MAX_VALUES = 100_000;

  private static final String MASK = "[REDACTED]";
  private static final long MOD = (1L << 61) - 1;
  /** Bits of the window fingerprint used as the lookup key: few enough that it tells little about a value. */
  private static final int WINDOW_BITS = 20;

  /** A value as fingerprints: its length, its hash, and the lookup key of its first characters. */
  private record Print(int length, long hash, int window) {}

  private final long base;
  /** Per secret: the fingerprints of its current values, in insertion order for eviction. */
  private final LinkedHashMap<String, Print[]> bySecret = new LinkedHashMap<>();
  /** How many secrets hold each print (two secrets may share a value). */
  private final Map<Print, Integer> counts = new HashMap<>();
  private int held;
  /**
   * Window key, then value length (longest first), then the value hashes of that length: a window
   * costs one check per distinct length, however many values share their first characters.
   */
  private final Map<Integer, NavigableMap<Integer, Set<Long>>> index = new ConcurrentHashMap<>();

  public Redactor() {
    // Random per process: fingerprints are not comparable across runs or with anything outside.
    this.base = 70_000 + Math.floorMod(new SecureRandom().nextLong(), MOD - 140_000);
  }

  /**
   * Makes {@code secretValues} the current values of {@code secret}, replacing what it held before:
   * an old value is no longer masked once the secret has a new one.
   */
  public synchronized void remember(String secret, Iterable<String> secretValues) {
    List<Print> prints = new ArrayList<>();
    for (String v : secretValues) {
      if (v != null && v.length() >= MIN_LENGTH) {
        prints.add(new Print(v.length(), hash(v, 0, v.length()), windowKey(hash(v, 0, MIN_LENGTH))));
      }
    }
    Print[] now = prints.toArray(Print[]::new);
    Print[] before = bySecret.remove(secret);
    if (before != null && Arrays.equals(before, now)) {
      bySecret.put(secret, before); // the common case (a poll that found the same content)
      return;
    }
    bySecret.put(secret, now);
    // Add before removing, so a value kept across the update is never unmasked for a moment.
    for (Print p : now) {
      add(p);
    }
    held += now.length;
    if (before != null) {
      drop(before);
    }
    var it = bySecret.entrySet().iterator();
    while (held > MAX_VALUES && it.hasNext()) {
      var oldest = it.next();
      if (!oldest.getKey().equals(secret)) {
        drop(oldest.getValue());
        it.remove();
      }
    }
  }

  /** Values that belong to no secret (one-off text); they replace the previous such set. */
  public void remember(Iterable<String> values) {
    remember("", values);
  }

  /** Stops masking the values of {@code secret} (it was deleted at its source). */
  public synchronized void forget(String secret) {
    Print[] gone = bySecret.remove(secret);
    if (gone != null) {
      drop(gone);
    }
  }

  public synchronized void forgetAll() {
    bySecret.clear();
    counts.clear();
    index.clear();
    held = 0;
  }

  /** How many value fingerprints are held (bounded by {@value #MAX_VALUES}). */
  public synchronized int size() {
    return held;
  }

  public String redact(String text) {
    return redact(text, new int[1]);
  }

  /** {@link #redact(String)} that also counts candidates confirmed into {@code checks[0]} (the work beyond one pass). */
  String redact(String text, int[] checks) {
    Map<Integer, NavigableMap<Integer, Set<Long>>> idx = index;
    if (text == null || idx.isEmpty() || text.length() < MIN_LENGTH) {
      return text;
    }
    int n = text.length();
    long[] prefix = new long[n + 1];
    long[] pow = new long[n + 1];
    pow[0] = 1;
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = add(mul(prefix[i], base), text.charAt(i) + 1);
      pow[i + 1] = mul(pow[i], base);
    }
    StringBuilder out = null;
    int copied = 0;
    int maskedTo = 0;
    for (int i = 0; i + MIN_LENGTH <= n; i++) {
      NavigableMap<Integer, Set<Long>> candidates = idx.get(windowKey(sub(prefix, pow, i, MIN_LENGTH)));
      if (candidates == null) {
        continue;
      }
      for (Map.Entry<Integer, Set<Long>> byLength : candidates.tailMap(n - i, true).entrySet()) {
        checks[0]++;
        int end = i + byLength.getKey();
        if (end <= maskedTo) {
          break; // this and every shorter value lies inside what is already masked
        }
        if (byLength.getValue().contains(sub(prefix, pow, i, byLength.getKey()))) {
          if (out == null) {
            out = new StringBuilder(n);
          }
          if (i >= maskedTo) {
            out.append(text, copied, i).append(MASK);
          }
          // An overlapping match extends the masked range rather than printing a second mask.
          copied = end;
          maskedTo = end;
          break;
        }
      }
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, n).toString();
  }

  private void add(Print p) {
    if (counts.merge(p, 1, Integer::sum) == 1) {
      index.computeIfAbsent(p.window(), k -> new ConcurrentSkipListMap<>(Comparator.reverseOrder()))
          .computeIfAbsent(p.length(), k -> ConcurrentHashMap.newKeySet())
          .add(p.hash());
    }
  }

  private void drop(Print[] prints) {
    held -= prints.length;
    for (Print p : prints) {
      if (counts.merge(p, -1, Integer::sum) == 0) {
        counts.remove(p);
        NavigableMap<Integer, Set<Long>> byLength = index.get(p.window());
        Set<Long> hashes = byLength.get(p.length());
        hashes.remove(p.hash());
        if (hashes.isEmpty()) {
          byLength.remove(p.length());
          if (byLength.isEmpty()) {
            index.remove(p.window());
          }
        }
      }
    }
  }

  private static int windowKey(long windowHash) {
    return (int) (windowHash & ((1 << WINDOW_BITS) - 1));
  }

  private long hash(String s, int from, int to) {
    long h = 0;
    for (int i = from; i < to; i++) {
      h = add(mul(h, base), s.charAt(i) + 1);
    }
    return h;
  }

  private static long sub(long[] prefix, long[] pow, int from, int length) {
    long v = prefix[from + length] - mul(prefix[from], pow[length]);
    return v < 0 ? v + MOD : v;
  }

  private static long add(long a, long b) {
    long s = a + b;
    return s >= MOD ? s - MOD : s;
  }

  /** a*b mod 2^61-1 for a, b below the modulus, without overflow. */
  static long mul(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    long r = (lo & MOD) + (lo >>> 61) + (hi << 3);
    r = (r & MOD) + (r >>> 61);
    return r >= MOD ? r - MOD : r;
  }
}
