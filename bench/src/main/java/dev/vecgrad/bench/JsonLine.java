package dev.vecgrad.bench;

import dev.vecgrad.models.io.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One JSON object per line, the machine-readable form of every bench sub-command ({@code --json}). */
final class JsonLine {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    JsonLine(String suite, String caseName, int threads) {
        fields.put("suite", suite);
        fields.put("case", caseName);
        fields.put("threads", threads);
    }

    JsonLine put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(Json.quote(e.getKey())).append(": ").append(value(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return Json.quote(v.toString());
    }
}
