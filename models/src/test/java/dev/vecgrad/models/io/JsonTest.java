package dev.vecgrad.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesNestedValuesKeepingKeyOrder() {
        Object v = Json.parse(" {\"b\": [1, -2.5e3, true, null], \"a\": {\"s\": \"x\\\"y\\u00e9\\n\"}} ");
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("s", "x\"y\u00e9\n");
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("b", Arrays.asList(1L, -2500.0, true, null));
        want.put("a", inner);
        assertEquals(want, v);
        assertEquals(List.of("b", "a"), List.copyOf(((Map<?, ?>) v).keySet()));
    }

    @Test
    void quoteRoundTrips() {
        String s = "tab\t quote\" backslash\\ ctrl\u0001 é";
        assertEquals(s, Json.parse(Json.quote(s)));
        assertEquals("null", Json.number(Double.NaN));
        assertEquals("3", Json.number(3.0));
        assertEquals("0.25", Json.number(0.25));
    }

    @Test
    void errorsSayWhatAndWhere() {
        assertEquals("Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries at character 8",
                assertThrows(Json.SyntaxException.class, () -> Json.parse("{\"a\": 1 \"b\": 2}")).getMessage());
        assertEquals("duplicate key \"a\" at character 12",
                assertThrows(Json.SyntaxException.class, () -> Json.parse("{\"a\": 1, \"a\": 2}")).getMessage());
        assertEquals("Unexpected end-of-input: was expecting closing quote for a string value at character 5", assertThrows(Json.SyntaxException.class, () -> Json.parse("[\"abc")).getMessage());
        assertEquals("Unexpected close marker ']': expected '}' at character 2", assertThrows(Json.SyntaxException.class, () -> Json.parse("{}]")).getMessage());
        String deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
        assertEquals("nested deeper than 256 levels", assertThrows(Json.SyntaxException.class, () -> Json.parse(deep)).getMessage());
        String ok = "[".repeat(256) + "]".repeat(256);
        assertEquals(List.of(), unwrap(Json.parse(ok), 255), "256 levels parse");
        assertEquals("integer 123456789012345678901234 is beyond a 64-bit long at character 1",
                assertThrows(Json.SyntaxException.class, () -> Json.parse("[123456789012345678901234]")).getMessage());
        assertEquals("number 1e99999 is beyond a double at character 1",
                assertThrows(Json.SyntaxException.class, () -> Json.parse("[1e99999]")).getMessage());
        assertEquals("no JSON value at character 0", assertThrows(Json.SyntaxException.class, () -> Json.parse(" ")).getMessage());
        String siblings = "[" + "[[]],".repeat(1000) + "[]]";
        assertEquals(1001, ((List<?>) Json.parse(siblings)).size(), "depth is per path, not per value read");
    }

    private static Object unwrap(Object v, int levels) {
        for (int i = 0; i < levels; i++) {
            v = ((List<?>) v).get(0);
        }
        return v;
    }
}
