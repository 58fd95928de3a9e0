package dev.vecgrad.models.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON vecgrad reads and writes: {@link #parse} into plain maps and lists (objects keep their
 * key order, numbers are {@code Long} when integral and {@code Double} otherwise), and
 * {@link #quote} / {@link #number} for writing.
 *
 * <p>Parsing is Jackson's streaming parser (jackson-core, the library's one dependency outside
 * the JDK), with limits that make a forged file an error instead of a crash: nesting depth
 * {@link #MAX_DEPTH}, duplicate keys refused, numbers of at most 1000 digits. The values are
 * built with an explicit stack, so no input can overflow the Java stack.
 */
public final class Json {

    /** Deepest nesting of objects and arrays accepted; vecgrad's own files nest three levels. */
    public static final int MAX_DEPTH = 256;

    private static final JsonFactory FACTORY = factory(StreamReadConstraints.DEFAULT_MAX_TOKEN_COUNT);   // no token limit

    /** A factory with vecgrad's limits, and at most {@code maxTokens} tokens when positive. */
    private static JsonFactory factory(long maxTokens) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(1000)
                        .maxTokenCount(maxTokens).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    private Json() {}

    /** A JSON syntax error at a character position. */
    public static final class SyntaxException extends IllegalArgumentException {
        private final long position;

        SyntaxException(String message, long position) {
            super(position < 0 ? message : message + " at character " + position);
            this.position = position;
        }

        /** Where the error is, counted in characters from 0; -1 when the parser cannot say (nesting too deep). */
        public long position() {
            return position;
        }
    }

    /**
     * Parses one JSON value (whitespace around it allowed).
     *
     * @throws SyntaxException naming what was wrong and where: bad syntax, a duplicate key,
     *         nesting deeper than {@link #MAX_DEPTH}, an integer beyond a long
     */
    public static Object parse(String text) {
        return parse(text, FACTORY, StreamReadConstraints.DEFAULT_MAX_TOKEN_COUNT);
    }

    /**
     * Parses one JSON value of at most {@code maxTokens} tokens (each name, value, bracket and
     * brace is one), refusing a larger one as soon as the limit is passed, which bounds the memory
     * the parsed value takes whatever the text's length.
     */
    public static Object parse(String text, long maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        return parse(text, FACTORIES.computeIfAbsent(maxTokens, Json::factory), maxTokens);
    }

    /** Factories by token limit: a caller such as SafeTensors passes one constant, so each is built once. */
    private static final java.util.concurrent.ConcurrentHashMap<Long, JsonFactory> FACTORIES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Object parse(String text, JsonFactory factory, long maxTokens) {
        JsonParser p;
        try {
            p = factory.createParser(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading a String cannot fail", e);
        }
        try (p) {
            if (p.nextToken() == null) {
                throw new SyntaxException("no JSON value", 0);
            }
            Object v = read(p);
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new SyntaxException("unexpected " + after.asString() + " after the value", p.currentTokenLocation().getCharOffset());
            }
            return v;
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            if (why.startsWith("Duplicate field '")) {
                why = "duplicate key \"" + why.substring("Duplicate field '".length(), why.lastIndexOf('\'')) + "\"";
            } else if (why.contains("nesting depth")) {
                why = "nested deeper than " + MAX_DEPTH + " levels";
            } else if (why.startsWith("Token count")) {
                why = "more than " + maxTokens + " JSON tokens";
            }
            // one line, without Jackson's "(for root starting at [Source: ...])"
            why = why.lines().findFirst().orElse(why).replaceAll("\\s*\\(for [^(]*\\[Source:.*$", "");
            long at = e.getLocation() != null ? e.getLocation().getCharOffset() : -1;
            throw new SyntaxException(why, at);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading a String cannot fail", e);
        }
    }

    /** The value that starts at the parser's current token, containers built with an explicit stack. */
    private static Object read(JsonParser p) throws IOException {
        Deque<Object> open = new ArrayDeque<>();   // the containers being filled, innermost first
        Deque<String> keys = new ArrayDeque<>();   // for each open object, the key of the value being read
        JsonToken t = p.currentToken();
        while (true) {
            Object value;
            switch (t) {
                case START_OBJECT -> {
                    open.push(new LinkedHashMap<String, Object>());
                    t = p.nextToken();
                    continue;
                }
                case START_ARRAY -> {
                    open.push(new ArrayList<>());
                    t = p.nextToken();
                    continue;
                }
                case FIELD_NAME -> {
                    keys.push(p.currentName());
                    t = p.nextToken();
                    continue;
                }
                case END_OBJECT, END_ARRAY -> value = open.pop();
                case VALUE_STRING -> value = p.getText();
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw new SyntaxException("integer " + p.getText() + " is beyond a 64-bit long", p.currentTokenLocation().getCharOffset());
                    }
                    value = p.getLongValue();
                }
                case VALUE_NUMBER_FLOAT -> {
                    double d = p.getDoubleValue();
                    if (!Double.isFinite(d)) {
                        throw new SyntaxException("number " + p.getText() + " is beyond a double", p.currentTokenLocation().getCharOffset());
                    }
                    value = d;
                }
                case VALUE_TRUE -> value = Boolean.TRUE;
                case VALUE_FALSE -> value = Boolean.FALSE;
                case VALUE_NULL -> value = null;
                default -> throw new SyntaxException("unexpected " + t, p.currentTokenLocation().getCharOffset());
            }
            if (open.isEmpty()) {
                return value;
            }
            add(open.peek(), keys, value);
            t = p.nextToken();
        }
    }

    @SuppressWarnings("unchecked")
    private static void add(Object container, Deque<String> keys, Object value) {
        if (container instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).put(keys.pop(), value);
        } else {
            ((List<Object>) container).add(value);
        }
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

    /** {@code texts} as a JSON array of strings: {@code ["a","b"]}. */
    public static String strings(List<String> texts) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < texts.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(texts.get(i)));
        }
        return sb.append(']').toString();
    }

    /** A finite double as a JSON number; NaN and infinities, which JSON lacks, as null. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
