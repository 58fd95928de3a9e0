package dev.vecgrad.app;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.autograd.UnaryOp;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A small expression language for {@code ./vecgrad graph}: names, numbers, {@code + - * /},
 * {@code ^} with a number as exponent, unary minus, parentheses, {@code sum(...)} and the
 * elementwise functions vecgrad has ({@link UnaryOp}: relu, sigmoid, tanh, exp, log, ...).
 * Precedence as in mathematics: {@code ^} binds tightest (right-associative), then unary
 * minus, then {@code * /}, then {@code + -}. A syntax error throws {@link SyntaxError} naming
 * the column (1-based).
 */
final class Expression {

    /** A parse error at a column of the text. */
    static final class SyntaxError extends IllegalArgumentException {
        final int column;

        SyntaxError(int column, String message) {
            super("column " + column + ": " + message);
            this.column = column;
        }
    }

    private static final Map<String, Function<Tensor, Tensor>> FUNCTIONS = functions();

    private static Map<String, Function<Tensor, Tensor>> functions() {
        Map<String, Function<Tensor, Tensor>> m = new java.util.LinkedHashMap<>();
        for (UnaryOp op : UnaryOp.values()) {
            if (op.opName().matches("[a-z]+")) {
                m.put(op.opName(), op::apply);
            }
        }
        m.put("sum", Tensor::sum);
        return m;
    }

    /** The function names the language knows, for messages and help. */
    static Set<String> functionNames() {
        return new TreeSet<>(FUNCTIONS.keySet());
    }

    private final Node root;
    private final Set<String> names;

    private Expression(Node root, Set<String> names) {
        this.root = root;
        this.names = names;
    }

    /** The variable names in order of first appearance. */
    List<String> names() {
        return List.copyOf(names);
    }

    /** The value of the expression with each name bound to a tensor (recorded, so backward works). */
    Tensor evaluate(Map<String, Tensor> values) {
        return root.eval(values);
    }

    private sealed interface Node {
        Tensor eval(Map<String, Tensor> v);
    }

    private record Num(double value) implements Node {
        public Tensor eval(Map<String, Tensor> v) {
            return Tensor.scalar(value);
        }
    }

    private record Var(String name) implements Node {
        public Tensor eval(Map<String, Tensor> v) {
            return v.get(name);
        }
    }

    private record Call(String function, Node arg) implements Node {
        public Tensor eval(Map<String, Tensor> v) {
            return FUNCTIONS.get(function).apply(arg.eval(v));
        }
    }

    private record Bin(char op, Node a, Node b) implements Node {
        public Tensor eval(Map<String, Tensor> v) {
            Tensor x = a.eval(v);
            Tensor y = b.eval(v);
            return switch (op) {
                case '+' -> x.add(y);
                case '-' -> x.sub(y);
                case '*' -> x.mul(y);
                default -> x.div(y);
            };
        }
    }

    private record Pow(Node base, double exponent) implements Node {
        public Tensor eval(Map<String, Tensor> v) {
            return base.eval(v).pow(exponent);
        }
    }

    private record Neg(Node arg) implements Node {
        public Tensor eval(Map<String, Tensor> v) {
            return arg.eval(v).neg();
        }
    }

    static Expression parse(String text) {
        Parser p = new Parser(text);
        Node n = p.sum();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw new SyntaxError(p.pos + 1, "unexpected '" + text.charAt(p.pos) + "'");
        }
        return new Expression(n, p.names);
    }

    /** Deepest nesting of parentheses, calls and unary minus: the parser and the evaluation recurse once per level. */
    static final int MAX_DEPTH = 100;

    /** Most operations (operators and calls) in one expression: each is a node of the picture and a level of evaluation. */
    static final int MAX_OPERATIONS = 500;

    /** Recursive descent over the text; pos is the next character. */
    private static final class Parser {
        final String text;
        int pos;
        final Set<String> names = new LinkedHashSet<>();
        int depth;
        int operations;

        Parser(String text) {
            this.text = text;
        }

        /** One more level of nesting, opened at this column, refused past {@link #MAX_DEPTH} (a stack overflow before). */
        void enter(int column) {
            if (++depth > MAX_DEPTH) {
                throw new SyntaxError(column, "nested more than " + MAX_DEPTH + " levels deep");
            }
        }

        /** One more operation, refused past {@link #MAX_OPERATIONS}. */
        void operation() {
            if (++operations > MAX_OPERATIONS) {
                throw new SyntaxError(pos + 1, "more than " + MAX_OPERATIONS + " operations in one expression");
            }
        }

        void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        boolean eat(char c) {
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        /** sum := product (('+' | '-') product)* */
        Node sum() {
            Node n = product();
            while (true) {
                if (eat('+')) {
                    operation();
                    n = new Bin('+', n, product());
                } else if (eat('-')) {
                    operation();
                    n = new Bin('-', n, product());
                } else {
                    return n;
                }
            }
        }

        /** product := unary (('*' | '/') unary)* */
        Node product() {
            Node n = unary();
            while (true) {
                if (eat('*')) {
                    operation();
                    n = new Bin('*', n, unary());
                } else if (eat('/')) {
                    operation();
                    n = new Bin('/', n, unary());
                } else {
                    return n;
                }
            }
        }

        /** unary := '-' unary | power */
        Node unary() {
            if (!eat('-')) {
                return power();
            }
            operation();
            enter(pos);   // the '-' just eaten
            Node n = new Neg(unary());
            depth--;
            return n;
        }

        /** power := atom ('^' exponent)?, the exponent a (signed) number or a parenthesized one */
        Node power() {
            Node base = atom();
            if (!eat('^')) {
                return base;
            }
            operation();
            skipSpace();
            int at = pos;
            boolean parens = eat('(');
            boolean negative = eat('-');
            skipSpace();
            if (pos >= text.length() || !(Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                throw new SyntaxError(at + 1, "the exponent after '^' must be a number");
            }
            double e = number();
            if (parens && !eat(')')) {
                throw new SyntaxError(pos + 1, "expected ')' to close the exponent");
            }
            return new Pow(base, negative ? -e : e);
        }

        /** atom := number | name | function '(' sum ')' | '(' sum ')' */
        Node atom() {
            skipSpace();
            if (pos >= text.length()) {
                throw new SyntaxError(pos + 1, "the expression ends where a value was expected");
            }
            char c = text.charAt(pos);
            if (Character.isDigit(c) || c == '.') {
                return new Num(number());
            }
            if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                    pos++;
                }
                String word = text.substring(start, pos);
                skipSpace();
                if (pos < text.length() && text.charAt(pos) == '(') {
                    if (!FUNCTIONS.containsKey(word)) {
                        throw new SyntaxError(start + 1, "unknown function '" + word + "' (known: " + String.join(", ", functionNames())
                                + ")");
                    }
                    pos++;
                    operation();
                    enter(start + 1);
                    Node arg = sum();
                    depth--;
                    if (!eat(')')) {
                        throw new SyntaxError(pos + 1, "expected ')' to close " + word + "(");
                    }
                    return new Call(word, arg);
                }
                if (FUNCTIONS.containsKey(word)) {
                    throw new SyntaxError(pos + 1, "expected '(' after the function " + word);
                }
                names.add(word);
                return new Var(word);
            }
            if (c == '(') {
                int open = pos;
                pos++;
                enter(open + 1);
                Node n = sum();
                depth--;
                if (!eat(')')) {
                    throw new SyntaxError(pos + 1, "expected ')' to close the '(' at column " + (open + 1));
                }
                return n;
            }
            throw new SyntaxError(pos + 1, "unexpected '" + c + "' where a value was expected");
        }

        double number() {
            int start = pos;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                int save = pos;
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                    pos++;
                }
                if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                        pos++;
                    }
                } else {
                    pos = save;
                }
            }
            try {
                return Double.parseDouble(text.substring(start, pos));
            } catch (NumberFormatException e) {
                throw new SyntaxError(start + 1, "'" + text.substring(start, pos) + "' is not a number");
            }
        }
    }

    /** Parses "w=3,x=1,b=-1" (vectors as x=[1 2 3]) into name -> values, in order; errors name the entry. */
    static Map<String, double[]> parseBindings(String text) {
        Map<String, double[]> out = new java.util.LinkedHashMap<>();
        List<String> entries = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            depth += c == '[' ? 1 : c == ']' ? -1 : 0;
            if (c == ',' && depth == 0) {
                entries.add(text.substring(start, i));
                start = i + 1;
            }
        }
        entries.add(text.substring(start));
        for (String entry : entries) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set: '" + e + "' is not name=value (e.g. w=3 or x=[1 2 3])");
            }
            String name = e.substring(0, eq).trim();
            String value = e.substring(eq + 1).trim();
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("--set: '" + name + "' is not a name");
            }
            try {
                double[] v = value.startsWith("[") && value.endsWith("]")
                        ? java.util.Arrays.stream(value.substring(1, value.length() - 1).trim().split("[\\s;]+"))
                                .mapToDouble(Double::parseDouble).toArray()
                        : new double[] {Double.parseDouble(value)};
                for (double d : v) {
                    if (!Double.isFinite(d)) {
                        throw new NumberFormatException();
                    }
                }
                if (out.put(name, v) != null) {
                    throw new IllegalArgumentException("--set: '" + name + "' is given twice");
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("--set: the value of '" + name + "' is not a finite number or [n n ...]: '"
                        + value + "'");
            }
        }
        return out;
    }
}
