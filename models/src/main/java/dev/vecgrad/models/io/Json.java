package dev.vecgrad.models.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON vecgrad needs: {@link #parse} (objects keep their key order, numbers are
 * {@code Long} when integral and {@code Double} otherwise) and {@link #quote} for writing.
 */
public final class Json {

    /**
     * Deepest nesting of objects and arrays accepted. The parser recurses once per level, so a
     * forged header of a million '[' would otherwise end in a StackOverflowError instead of an
     * error naming the file; vecgrad's own files nest three levels.
     */
    public static final int MAX_DEPTH = 256;

    private final String s;
    private int pos;
    private int depth;

    private Json(String s) {
        this.s = s;
    }

    /** A JSON syntax error at a character position. */
    public static final class SyntaxException extends IllegalArgumentException {
        private final int position;

        SyntaxException(String message, int position) {
            super(message + " at character " + position);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }

    /**
     * Parses one JSON value (trailing whitespace allowed).
     *
     * @throws SyntaxException naming what was expected and where; also on duplicate keys
     */
    public static Object parse(String text) {
        Json p = new Json(text);
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw new SyntaxException("unexpected '" + text.charAt(p.pos) + "' after the value", p.pos);
        }
        return v;
    }

    /** {@code text} as a JSON string literal, quotes included. */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A finite double as a JSON number; NaN and infinities, which JSON lacks, as null. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private Object value() {
        skipSpace();
        if (pos >= s.length()) {
            throw new SyntaxException("unexpected end of input", pos);
        }
        char c = s.charAt(pos);
        if ((c == '{' || c == '[') && ++depth > MAX_DEPTH) {
            throw new SyntaxException("nested deeper than " + MAX_DEPTH + " levels", pos);
        }
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new SyntaxException("unexpected '" + c + "'", pos);
            }
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> out = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new SyntaxException("expected a string key", pos);
            }
            int keyPos = pos;
            String key = string();
            skipSpace();
            expect(':');
            Object v = value();
            if (out.containsKey(key)) {
                throw new SyntaxException("duplicate key \"" + key + "\"", keyPos);
            }
            out.put(key, v);
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                depth--;
                return out;
            }
            if (c != ',') {
                throw new SyntaxException("expected ',' or '}'", pos - 1);
            }
        }
    }

    private List<Object> array() {
        List<Object> out = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            out.add(value());
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                depth--;
                return out;
            }
            if (c != ',') {
                throw new SyntaxException("expected ',' or ']'", pos - 1);
            }
        }
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= s.length()) {
                throw new SyntaxException("unterminated string", pos);
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw new SyntaxException("control character in a string", pos - 1);
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= s.length()) {
                throw new SyntaxException("unterminated string", pos);
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > s.length()) {
                        throw new SyntaxException("short \\u escape", pos);
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw new SyntaxException("bad \\u escape", pos);
                    }
                    pos += 4;
                }
                default -> throw new SyntaxException("bad escape '\\" + e + "'", pos - 1);
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        boolean integral = true;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String t = s.substring(start, pos);
        try {
            return integral ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new SyntaxException("bad number '" + t + "'", start);
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) {
            throw new SyntaxException("unexpected '" + s.charAt(pos) + "'", pos);
        }
        pos += word.length();
        return v;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new SyntaxException("expected '" + c + "'", pos);
        }
        pos++;
    }

    private char peek() {
        if (pos >= s.length()) {
            throw new SyntaxException("unexpected end of input", pos);
        }
        return s.charAt(pos);
    }

    private void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }
}
