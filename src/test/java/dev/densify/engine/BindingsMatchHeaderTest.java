package dev.densify.engine;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checked-in bindings (dev.densify.bindings.densify_h) must mirror native/include/densify.h:
 * every function (parameter and return layouts, Java wrapper signature), every integer
 * {@code #define DFY_*} constant, every struct (field names, layouts, offsets, size) and every
 * function-pointer typedef (a nested class in jextract's shape: {@code descriptor()}, a
 * {@code Function} interface whose {@code apply} has the typedef's signature, and
 * {@code allocate(Function, Arena)}), and nothing more. A function-pointer typedef used as a
 * parameter type is a pointer ({@code ADDRESS}).
 *
 * <p>Reading a holder's DESC initialises it, which resolves its symbol. So that this test needs no
 * native library and cannot disturb the real bindings of the test JVM, the bindings are loaded in an
 * isolated class loader whose NativeLibrary is given a symbol lookup that resolves every name to a
 * dummy address (handles are created, never invoked).
 */
class BindingsMatchHeaderTest {

    private static final Path HEADER = Path.of("native/include/densify.h");

    private static Class<?> bindings;

    @BeforeAll
    static void loadIsolatedBindings() throws Exception {
        URL classes = dev.densify.bindings.densify_h.class.getProtectionDomain().getCodeSource().getLocation();
        URL engine = NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation();
        @SuppressWarnings("resource") // kept open for the whole class; the JVM ends with the tests
        URLClassLoader isolated = new URLClassLoader(new URL[]{classes, engine}, ClassLoader.getPlatformClassLoader());
        Class<?> library = Class.forName(NativeLibrary.class.getName(), true, isolated);
        Method useLookup = library.getDeclaredMethod("useLookup", Path.class, SymbolLookup.class);
        useLookup.setAccessible(true);
        MemorySegment dummy = MemorySegment.ofAddress(0x1000);
        SymbolLookup everything = name -> Optional.of(dummy);
        useLookup.invoke(null, Path.of("(dummy)"), everything);
        bindings = Class.forName(dev.densify.bindings.densify_h.class.getName(), true, isolated);
    }

    @Test
    void bindingsMatchTheHeader() throws IOException {
        Header header = Header.parse(Files.readString(HEADER));
        assertTrue(header.functions.size() >= 15, "parsed only " + header.functions.size() + " functions from " + HEADER);
        assertTrue(header.constants.size() >= 8, "parsed only " + header.constants.size() + " constants from " + HEADER);
        assertTrue(header.structs.size() >= 2, "parsed only " + header.structs.size() + " structs from " + HEADER);
        assertTrue(header.functions.containsKey("dfy_model_create") && header.constants.containsKey("DFY_ABI_VERSION"),
                "parser missed known items");
        assertTrue(header.functionPointers.containsKey("dfy_score_fn"), "parser missed the typedef dfy_score_fn");

        List<String> problems = compare(header, bindings);
        assertTrue(problems.isEmpty(), "bindings differ from " + HEADER + ":\n  " + String.join("\n  ", problems));
    }

    /** The comparison must notice each kind of difference (guards against a test that passes vacuously). */
    @Test
    void comparisonDetectsDifferences() throws IOException {
        String text = Files.readString(HEADER)
                .replace("DFY_API int32_t dfy_abi_version(void);",
                        "DFY_API int32_t dfy_abi_version(void);\nDFY_API int32_t dfy_brand_new(int64_t x);")
                .replace("dfy_set_num_threads(int32_t n)", "dfy_set_num_threads(int64_t n)")
                .replace("#define DFY_OK 0", "#define DFY_OK 0\n#define DFY_NEW_CONSTANT 7")
                .replace("#define DFY_ERR_INTERNAL 99", "#define DFY_ERR_INTERNAL 98")
                .replace("#define DFY_MODEL_REWARD 2", "")
                .replace("int32_t use_cache;", "int64_t use_cache;")
                .replace("DFY_API void dfy_model_free(dfy_model model);", "")
                .replace("typedef int32_t (*dfy_score_fn)(void* user_data,", "typedef int32_t (*dfy_score_fn)(int64_t user_data,")
                .replace("typedef struct dfy_model_s* dfy_model;",
                        "typedef struct dfy_model_s* dfy_model;\ntypedef void (*dfy_new_fn)(int32_t x);");
        Header header = Header.parse(text);
        String problems = String.join("\n", compare(header, bindings));
        for (String expected : List.of("dfy_brand_new", "dfy_set_num_threads", "DFY_NEW_CONSTANT", "DFY_ERR_INTERNAL",
                "DFY_MODEL_REWARD", "use_cache", "dfy_model_free", "function pointer dfy_score_fn",
                "function pointer dfy_new_fn")) {
            assertTrue(problems.contains(expected), "not reported: " + expected + "\n" + problems);
        }
    }

    /** A changed return type of a function-pointer typedef, or a typedef the bindings lack, is noticed. */
    @Test
    void comparisonDetectsFunctionPointerDifferences() throws IOException {
        String original = Files.readString(HEADER);
        String changed = original.replace("typedef int32_t (*dfy_score_fn)(", "typedef int64_t (*dfy_score_fn)(");
        assertTrue(!changed.equals(original), "the header no longer has the expected dfy_score_fn typedef");
        String problems = String.join("\n", compare(Header.parse(changed), bindings));
        assertTrue(problems.contains("function pointer dfy_score_fn: returns"), problems);
        assertTrue(problems.contains("function pointer dfy_score_fn: Function.apply"), problems);

        String removed = original.replaceAll("(?s)typedef int32_t \\(\\*dfy_score_fn\\)\\([^)]*\\);",
                "typedef void* dfy_score_fn;");
        assertTrue(!removed.equals(original), "the header no longer has the expected dfy_score_fn typedef");
        problems = String.join("\n", compare(Header.parse(removed), bindings));
        assertTrue(problems.contains("function pointer dfy_score_fn: in the bindings but not in the header"), problems);
    }

    // ---- comparison ---------------------------------------------------------------------

    static List<String> compare(Header header, Class<?> bindings) {
        List<String> problems = new ArrayList<>();
        Map<String, Class<?>> holders = new LinkedHashMap<>();
        for (Class<?> nested : bindings.getDeclaredClasses()) {
            if (Arrays.stream(nested.getDeclaredFields()).anyMatch(f -> f.getName().equals("DESC"))) {
                holders.put(nested.getSimpleName(), nested);
            }
        }
        for (Function f : header.functions.values()) {
            Class<?> holder = holders.get(f.name);
            if (holder == null) {
                problems.add("function " + f.name + ": no holder class in the bindings");
                continue;
            }
            FunctionDescriptor desc = (FunctionDescriptor) staticField(holder, "DESC");
            if (!desc.argumentLayouts().equals(f.params)) {
                problems.add("function " + f.name + ": parameters " + f.params + " in the header, "
                        + desc.argumentLayouts() + " in the bindings");
            }
            if (!desc.returnLayout().equals(f.ret)) {
                problems.add("function " + f.name + ": returns " + f.ret + " in the header, "
                        + desc.returnLayout() + " in the bindings");
            }
            Class<?>[] javaParams = f.params.stream().map(BindingsMatchHeaderTest::carrier).toArray(Class<?>[]::new);
            try {
                Method wrapper = bindings.getMethod(f.name, javaParams);
                Class<?> expected = f.ret.map(BindingsMatchHeaderTest::carrier).orElse(void.class);
                if (!Modifier.isStatic(wrapper.getModifiers()) || wrapper.getReturnType() != expected) {
                    problems.add("function " + f.name + ": wrapper must be static and return " + expected);
                }
            } catch (NoSuchMethodException e) {
                problems.add("function " + f.name + ": no static wrapper " + f.name + Arrays.toString(javaParams));
            }
        }
        for (String name : holders.keySet()) {
            if (!header.functions.containsKey(name)) {
                problems.add("function " + name + ": in the bindings but not in the header");
            }
        }

        Map<String, Method> constants = new LinkedHashMap<>();
        for (Method m : bindings.getDeclaredMethods()) {
            if (m.getName().startsWith("DFY_") && m.getParameterCount() == 0 && Modifier.isPublic(m.getModifiers())
                    && Modifier.isStatic(m.getModifiers())) {
                constants.put(m.getName(), m);
            }
        }
        header.constants.forEach((name, value) -> {
            Method m = constants.get(name);
            if (m == null) {
                problems.add("constant " + name + ": no method " + name + "() in the bindings");
                return;
            }
            if (m.getReturnType() != int.class) {
                problems.add("constant " + name + ": " + name + "() must return int");
                return;
            }
            try {
                long actual = (int) m.invoke(null);
                if (actual != value) {
                    problems.add("constant " + name + ": " + value + " in the header, " + actual + " in the bindings");
                }
            } catch (ReflectiveOperationException e) {
                problems.add("constant " + name + ": cannot call " + name + "(): " + e);
            }
        });
        for (String name : constants.keySet()) {
            if (!header.constants.containsKey(name)) {
                problems.add("constant " + name + ": in the bindings but not in the header");
            }
        }

        compareFunctionPointers(header, bindings, problems);

        Map<String, StructLayout> structs = new LinkedHashMap<>();
        for (Field field : bindings.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && GroupLayout.class.isAssignableFrom(field.getType())) {
                Object value = staticField(bindings, field.getName());
                if (value instanceof StructLayout s) {
                    structs.put(field.getName(), s);
                } else {
                    problems.add("struct " + field.getName() + ": not a StructLayout");
                }
            }
        }
        header.structs.forEach((name, fields) -> {
            StructLayout layout = structs.get(name);
            if (layout == null) {
                problems.add("struct " + name + ": no StructLayout field " + name + " in the bindings");
            } else {
                compareStruct(name, fields, layout, problems);
            }
        });
        for (String name : structs.keySet()) {
            if (!header.structs.containsKey(name)) {
                problems.add("struct " + name + ": in the bindings but not in the header");
            }
        }
        return problems;
    }

    /**
     * A function-pointer typedef is a nested class of the same name (as jextract generates): static
     * {@code descriptor()}, a nested {@code Function} interface with {@code apply}, and static
     * {@code allocate(Function, Arena)} returning the upcall stub.
     */
    private static void compareFunctionPointers(Header header, Class<?> bindings, List<String> problems) {
        Map<String, Class<?>> classes = new LinkedHashMap<>();
        for (Class<?> nested : bindings.getDeclaredClasses()) {
            if (Arrays.stream(nested.getDeclaredClasses()).anyMatch(c -> c.getSimpleName().equals("Function"))) {
                classes.put(nested.getSimpleName(), nested);
            }
        }
        for (Function f : header.functionPointers.values()) {
            String what = "function pointer " + f.name;
            Class<?> holder = classes.get(f.name);
            if (holder == null) {
                problems.add(what + ": no nested class " + f.name + " with a Function interface in the bindings");
                continue;
            }
            FunctionDescriptor desc;
            try {
                Method descriptor = holder.getMethod("descriptor");
                if (!Modifier.isStatic(descriptor.getModifiers()) || descriptor.getReturnType() != FunctionDescriptor.class) {
                    problems.add(what + ": descriptor() must be static and return FunctionDescriptor");
                    continue;
                }
                desc = (FunctionDescriptor) descriptor.invoke(null);
            } catch (ReflectiveOperationException e) {
                problems.add(what + ": no static descriptor(): " + e);
                continue;
            }
            if (!desc.argumentLayouts().equals(f.params)) {
                problems.add(what + ": parameters " + f.params + " in the header, " + desc.argumentLayouts()
                        + " in the bindings");
            }
            if (!desc.returnLayout().equals(f.ret)) {
                problems.add(what + ": returns " + f.ret + " in the header, " + desc.returnLayout() + " in the bindings");
            }
            Class<?> function = Arrays.stream(holder.getDeclaredClasses())
                    .filter(c -> c.getSimpleName().equals("Function")).findFirst().orElseThrow();
            Class<?>[] javaParams = f.params.stream().map(BindingsMatchHeaderTest::carrier).toArray(Class<?>[]::new);
            Class<?> javaReturn = f.ret.map(BindingsMatchHeaderTest::carrier).orElse(void.class);
            try {
                Method apply = function.getMethod("apply", javaParams);
                if (!function.isInterface() || apply.getReturnType() != javaReturn) {
                    problems.add(what + ": Function.apply must be an interface method returning " + javaReturn);
                }
            } catch (NoSuchMethodException e) {
                problems.add(what + ": Function.apply" + Arrays.toString(javaParams) + " is missing");
            }
            try {
                Method allocate = holder.getMethod("allocate", function, Arena.class);
                if (!Modifier.isStatic(allocate.getModifiers()) || allocate.getReturnType() != MemorySegment.class) {
                    problems.add(what + ": allocate(Function, Arena) must be static and return MemorySegment");
                }
            } catch (NoSuchMethodException e) {
                problems.add(what + ": no static allocate(Function, Arena)");
            }
        }
        for (String name : classes.keySet()) {
            if (!header.functionPointers.containsKey(name)) {
                problems.add("function pointer " + name + ": in the bindings but not in the header");
            }
        }
    }

    /** Lays the fields out as a C compiler does on x86-64 (natural alignment) and compares. */
    private static void compareStruct(String name, List<StructField> fields, StructLayout layout, List<String> problems) {
        List<MemoryLayout> members = layout.memberLayouts().stream().filter(m -> !(m instanceof PaddingLayout)).toList();
        List<String> expectedNames = fields.stream().map(StructField::name).toList();
        List<String> actualNames = members.stream().map(m -> m.name().orElse("?")).toList();
        if (!expectedNames.equals(actualNames)) {
            problems.add("struct " + name + ": fields " + expectedNames + " in the header, " + actualNames + " in the bindings");
            return;
        }
        long offset = 0;
        long align = 1;
        for (int i = 0; i < fields.size(); i++) {
            StructField field = fields.get(i);
            MemoryLayout member = members.get(i);
            long size = field.layout().byteSize();
            offset = (offset + size - 1) / size * size;
            align = Math.max(align, size);
            if (!member.withoutName().equals(field.layout())) {
                problems.add("struct " + name + "." + field.name() + ": " + field.layout() + " in the header, "
                        + member.withoutName() + " in the bindings");
            }
            long actualOffset = layout.byteOffset(MemoryLayout.PathElement.groupElement(field.name()));
            if (actualOffset != offset) {
                problems.add("struct " + name + "." + field.name() + ": offset " + offset + " in C, "
                        + actualOffset + " in the bindings (mirror C's padding with paddingLayout)");
            }
            offset += size;
        }
        long size = (offset + align - 1) / align * align;
        if (layout.byteSize() != size) {
            problems.add("struct " + name + ": sizeof is " + size + " in C, " + layout.byteSize()
                    + " in the bindings (add trailing paddingLayout)");
        }
        if (!layout.name().equals(Optional.of(name))) {
            problems.add("struct " + name + ": layout must be named " + name);
        }
    }

    private static Class<?> carrier(MemoryLayout layout) {
        return ((ValueLayout) layout).carrier();
    }

    private static Object staticField(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read " + owner.getName() + "." + name, e);
        }
    }

    // ---- header parsing -----------------------------------------------------------------

    record Function(String name, Optional<MemoryLayout> ret, List<MemoryLayout> params) {
    }

    record StructField(String name, MemoryLayout layout) {
    }

    static final class Header {
        final Map<String, Function> functions = new LinkedHashMap<>();
        final Map<String, Long> constants = new LinkedHashMap<>();
        final Map<String, List<StructField>> structs = new LinkedHashMap<>();
        /** Function-pointer typedefs ({@code typedef R (*name)(params);}), as signatures. */
        final Map<String, Function> functionPointers = new LinkedHashMap<>();
        private final Map<String, String> aliases = new LinkedHashMap<>();

        private static final Pattern DEFINE = Pattern.compile("(?m)^\\s*#\\s*define\\s+(DFY_\\w+)\\s+(-?\\d+)\\s*$");
        private static final Pattern TYPEDEF_STRUCT = Pattern.compile(
                "typedef\\s+struct\\s+(\\w+)\\s*\\{([^}]*)}\\s*(\\w+)\\s*;");
        private static final Pattern TYPEDEF = Pattern.compile("typedef\\s+([^;{}]+?)\\s*\\b(\\w+)\\s*;");
        private static final Pattern FUNCTION_POINTER = Pattern.compile(
                "typedef\\s+([^;{}()]+?)\\s*\\(\\s*\\*\\s*(\\w+)\\s*\\)\\s*\\(([^)]*)\\)\\s*;");
        private static final Pattern FUNCTION = Pattern.compile(
                "DFY_API\\s+([^;()]+?)\\s*\\b(dfy_\\w+)\\s*\\(([^)]*)\\)\\s*;");

        static Header parse(String text) {
            Header h = new Header();
            String code = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
            Matcher m = DEFINE.matcher(code);
            while (m.find()) {
                h.constants.put(m.group(1), Long.parseLong(m.group(2)));
            }
            String rest = code;
            m = TYPEDEF_STRUCT.matcher(code);
            while (m.find()) {
                List<StructField> fields = new ArrayList<>();
                for (String decl : m.group(2).split(";")) {
                    if (decl.isBlank()) {
                        continue;
                    }
                    String[] typeAndName = splitDeclaration(decl, m.group(3));
                    fields.add(new StructField(typeAndName[1], h.layout(typeAndName[0], m.group(3) + "." + typeAndName[1])
                            .orElseThrow(() -> new AssertionError("void field in " + decl))));
                }
                h.structs.put(m.group(3), fields);
                rest = rest.replace(m.group(), " ");
            }
            // Function-pointer typedefs first (the plain TYPEDEF pattern would misread them); as a
            // type they are pointers.
            List<String[]> pointerTypedefs = new ArrayList<>();
            m = FUNCTION_POINTER.matcher(rest);
            while (m.find()) {
                pointerTypedefs.add(new String[]{m.group(2), m.group(1), m.group(3)});
                h.aliases.put(m.group(2), "void*");
            }
            rest = FUNCTION_POINTER.matcher(rest).replaceAll(" ");
            m = TYPEDEF.matcher(rest);
            while (m.find()) {
                h.aliases.put(m.group(2), m.group(1));
            }
            for (String[] typedef : pointerTypedefs) {
                h.functionPointers.put(typedef[0], h.signature(typedef[0], typedef[1], typedef[2]));
            }
            m = FUNCTION.matcher(code);
            while (m.find()) {
                h.functions.put(m.group(2), h.signature(m.group(2), m.group(1), m.group(3)));
            }
            return h;
        }

        private Function signature(String name, String returnType, String parameterList) {
            List<MemoryLayout> params = new ArrayList<>();
            String list = parameterList.strip();
            if (!list.equals("void") && !list.isEmpty()) {
                for (String param : list.split(",")) {
                    String[] typeAndName = splitDeclaration(param, name);
                    params.add(layout(typeAndName[0], name + "(" + typeAndName[1] + ")")
                            .orElseThrow(() -> new AssertionError("void parameter in " + name)));
                }
            }
            return new Function(name, layout(returnType, name + " return"), List.copyOf(params));
        }

        /** "const int64_t* ids" → {"const int64_t*", "ids"}. */
        private static String[] splitDeclaration(String declaration, String where) {
            Matcher m = Pattern.compile("^(.*?)(\\w+)$").matcher(declaration.strip());
            if (!m.matches() || m.group(1).isBlank()) {
                throw new AssertionError("cannot parse declaration '" + declaration.strip() + "' in " + where);
            }
            return new String[]{m.group(1).strip(), m.group(2)};
        }

        /** The layout the bindings must use for a C type; empty for void. */
        private Optional<MemoryLayout> layout(String type, String where) {
            String t = type.replace("const", " ").strip();
            if (t.contains("*")) {
                return Optional.of(ValueLayout.ADDRESS);
            }
            t = t.replaceAll("\\s+", " ");
            if (aliases.containsKey(t)) {
                return layout(aliases.get(t), where);
            }
            return Optional.ofNullable(switch (t) {
                case "void" -> null;
                case "int32_t" -> ValueLayout.JAVA_INT;
                case "int64_t", "uint64_t" -> ValueLayout.JAVA_LONG;
                case "float" -> ValueLayout.JAVA_FLOAT;
                case "double" -> ValueLayout.JAVA_DOUBLE;
                default -> throw new AssertionError("no mapping for C type '" + type + "' in " + where
                        + "; extend the test and the bindings together");
            });
        }

        @Override
        public String toString() {
            return "functions " + new TreeSet<>(functions.keySet()) + ", constants " + constants.keySet()
                    + ", structs " + structs.keySet() + ", function pointers " + functionPointers.keySet();
        }
    }

    @Test
    void parserHandlesPointerTypedefsAndVoid() {
        Header h = Header.parse("""
                typedef int32_t dfy_status;
                typedef struct dfy_x_s* dfy_x;
                DFY_API dfy_status dfy_x_get(dfy_x x, const char* name, uint64_t seed); /* c */
                DFY_API void dfy_x_free(dfy_x x);
                DFY_API const char* dfy_name(void);
                #define DFY_A 12
                """);
        assertEquals(new Function("dfy_x_get", Optional.of(ValueLayout.JAVA_INT),
                List.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)), h.functions.get("dfy_x_get"));
        assertEquals(Optional.empty(), h.functions.get("dfy_x_free").ret());
        assertEquals(List.of(), h.functions.get("dfy_name").params());
        assertEquals(Optional.of(ValueLayout.ADDRESS), h.functions.get("dfy_name").ret());
        assertEquals(Map.of("DFY_A", 12L), h.constants);
    }

    @Test
    void parserHandlesFunctionPointerTypedefs() {
        Header h = Header.parse("""
                typedef int32_t dfy_status;
                typedef int32_t (*dfy_cb)(void* user_data, const int64_t* ids,
                                          int64_t n, float* out);  /* multi-line */
                typedef void (* dfy_notify)(void);
                DFY_API dfy_status dfy_run(dfy_cb scorer, void* user_data, dfy_notify done, double x);
                """);
        assertEquals(new Function("dfy_cb", Optional.of(ValueLayout.JAVA_INT),
                List.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS)),
                h.functionPointers.get("dfy_cb"));
        assertEquals(new Function("dfy_notify", Optional.empty(), List.of()), h.functionPointers.get("dfy_notify"));
        assertEquals(new Function("dfy_run", Optional.of(ValueLayout.JAVA_INT),
                List.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_DOUBLE)),
                h.functions.get("dfy_run"));
        assertEquals(Map.of(), h.structs);
        assertTrue(!h.aliases.containsKey("out") && !h.aliases.containsKey("n"), "typedef misread: " + h.aliases);
    }
}
