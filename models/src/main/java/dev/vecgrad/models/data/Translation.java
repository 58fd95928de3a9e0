package dev.vecgrad.models.data;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Translation tasks generated offline for the sequence-to-sequence model (seed 000): human
 * dates in Spanish and English to ISO dates ("27 de noviembre de 2026" and "Nov 27, 2026" to
 * "2026-11-27"), and Spanish number words to digits ("trescientos doce" to "312"). Each
 * example's underlying value (the date, the number) belongs to one split only, so train,
 * validation and test never share a value. Deterministic for a seed.
 */
public final class Translation {

    private Translation() {}

    /** A source sentence and its translation. */
    public record Pair(String source, String target) {}

    /** Disjoint splits. */
    public record Splits(List<Pair> train, List<Pair> validation, List<Pair> test) {}

    private static final String[] MESES = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
        "octubre", "noviembre", "diciembre"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"};
    private static final String[] DIAS = {"lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"};

    /**
     * {@code n} dates from 1950 to 2049, each written in one of eight Spanish or English forms,
     * split 80 / 10 / 10 by date.
     */
    public static Splits dates(int n, long seed) {
        checkCount(n, 36_500);
        Random rng = new Random(seed);
        Set<LocalDate> chosen = new LinkedHashSet<>();
        LocalDate start = LocalDate.of(1950, 1, 1);
        while (chosen.size() < n) {
            chosen.add(start.plusDays(rng.nextInt(36_500)));
        }
        List<Pair> all = new ArrayList<>();
        for (LocalDate d : chosen) {
            all.add(new Pair(writeDate(d, rng.nextInt(8)), d.toString()));
        }
        return split(all);
    }

    /** Date d written in form 0-7: four Spanish ("27 de noviembre de 2026", "27 nov 2026", "27/11/2026", with the weekday), four English. */
    public static String writeDate(LocalDate d, int form) {
        int day = d.getDayOfMonth();
        int m = d.getMonthValue() - 1;
        int y = d.getYear();
        String month = MONTHS[m];
        return switch (form) {
            case 0 -> day + " de " + MESES[m] + " de " + y;
            case 1 -> day + " " + MESES[m].substring(0, 3) + " " + y;
            case 2 -> String.format("%02d/%02d/%d", day, m + 1, y);
            case 3 -> DIAS[d.getDayOfWeek().getValue() - 1] + ", " + day + " de " + MESES[m] + " de " + y;
            case 4 -> month.substring(0, 3) + " " + day + ", " + y;
            case 5 -> month + " " + day + ", " + y;
            case 6 -> day + " " + month + " " + y;
            default -> name(d.getDayOfWeek()) + ", " + month + " " + day + ", " + y;
        };
    }

    private static String name(DayOfWeek d) {
        String s = d.name().toLowerCase();
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** {@code n} numbers from 0 to 999,999 in Spanish words, split 80 / 10 / 10 by number. */
    public static Splits numbers(int n, long seed) {
        checkCount(n, 1_000_000);
        Random rng = new Random(seed);
        Set<Integer> chosen = new LinkedHashSet<>();
        while (chosen.size() < n) {
            int digits = 1 + rng.nextInt(6);
            chosen.add(rng.nextInt((int) Math.pow(10, digits)));
        }
        List<Pair> all = new ArrayList<>();
        for (int v : chosen) {
            all.add(new Pair(spanish(v), Integer.toString(v)));
        }
        return split(all);
    }

    private static final String[] UNITS = {"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
        "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno",
        "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve"};
    private static final String[] TENS = {"", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"};
    private static final String[] HUNDREDS = {"", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos",
        "setecientos", "ochocientos", "novecientos"};

    /** A number from 0 to 999,999 in Spanish words: 312 is "trescientos doce", 21,000 "veintiún mil". */
    public static String spanish(int v) {
        if (v < 0 || v > 999_999) {
            throw new IllegalArgumentException("spanish: " + v + " is not within 0..999999");
        }
        if (v == 0) {
            return "cero";
        }
        int thousands = v / 1000;
        int rest = v % 1000;
        StringBuilder sb = new StringBuilder();
        if (thousands == 1) {
            sb.append("mil");
        } else if (thousands > 1) {
            sb.append(apocope(below1000(thousands))).append(" mil");
        }
        if (rest > 0) {
            sb.append(sb.length() == 0 ? "" : " ").append(below1000(rest));
        }
        return sb.toString();
    }

    /** "uno" becomes "un" (and "veintiuno" "veintiún") before "mil". */
    private static String apocope(String words) {
        if (words.endsWith("veintiuno")) {
            return words.substring(0, words.length() - "veintiuno".length()) + "veintiún";
        }
        return words.endsWith("uno") ? words.substring(0, words.length() - 1) : words;
    }

    private static String below1000(int v) {
        if (v == 100) {
            return "cien";
        }
        int h = v / 100;
        int r = v % 100;
        StringBuilder sb = new StringBuilder(HUNDREDS[h]);
        if (r > 0) {
            sb.append(sb.length() == 0 ? "" : " ");
            if (r < 30) {
                sb.append(UNITS[r]);
            } else {
                sb.append(TENS[r / 10]);
                if (r % 10 > 0) {
                    sb.append(" y ").append(UNITS[r % 10]);
                }
            }
        }
        return sb.toString();
    }

    private static void checkCount(int n, int max) {
        if (n < 10 || n > max) {
            throw new IllegalArgumentException("Translation: the number of examples must be 10 to " + max + ", got " + n);
        }
    }

    private static Splits split(List<Pair> all) {
        int n = all.size();
        int train = n * 8 / 10;
        int val = n / 10;
        List<Pair> shuffled = new ArrayList<>(all);
        return new Splits(Collections.unmodifiableList(shuffled.subList(0, train)),
                Collections.unmodifiableList(shuffled.subList(train, train + val)),
                Collections.unmodifiableList(shuffled.subList(train + val, n)));
    }
}
