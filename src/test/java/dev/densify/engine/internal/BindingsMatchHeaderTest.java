package dev.densify.engine.internal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checked-in bindings (bindings/dev/densify/bindings/) must mirror native/include/densify.h,
 * and nothing more.
 *
 * <p>{@code densify_h} holds every function (parameter and return layouts, Java wrapper
 * signature), every integer {@code #define DFY_*} constant and every function-pointer typedef (a
 * nested class in jextract's shape: {@code descriptor()}, a {@code Function} interface whose
 * {@code apply} has the typedef's signature, and {@code allocate(Function, Arena)}). A
 * function-pointer typedef used as a parameter type is a pointer ({@code ADDRESS}). Any other
 * public member of {@code densify_h} (a struct layout field included) is reported, besides
 * jextract's primitive layouts {@code C_*}.
 *
 * <p>Every struct is a nested class {@code densify_h.<struct name>} (one generated file for the
 * whole header), in jextract's shape for a struct: {@code layout()} (field names, layouts, C offsets with padding, size and name as a C
 * compiler lays the struct out on x86-64), {@code sizeof()}, {@code allocate(SegmentAllocator)},
 * and for every field F {@code F$layout()} (the value layout of F's C type), {@code F$offset()}
 * (F's C offset), a getter {@code F(MemorySegment)} and a setter {@code F(MemorySegment, value)}
 * with the C type's Java carrier. A round trip through a confined arena writes a distinct value to
 * every field with its setter and reads each back both through the header's layout at the C offset
 * and through the getter, so an accessor at a wrong offset fails. A public member of a struct class
 * that matches no field of the header, a public nested class of {@code densify_h} that the header
 * declares no struct, function or typedef for, and a struct of the header without its class are
 * reported.
 *
 * <p>Reading a holder's DESC initialises it, which resolves its symbol. So that this test needs no
 * native library and cannot disturb the real bindings of the test JVM, the bindings are loaded in an
 * isolated class loader whose NativeLibrary is given a symbol lookup that resolves every name to a
 * dummy address (handles are created, never invoked).
 */
class BindingsMatchHeaderTest {

    private static final Path HEADER = Path.of("native/include/densify.h");
    /** jextract's primitive layouts, the only public fields densify_h may have. */
    private static final Set<String> PRIMITIVE_LAYOUTS = Set.of("C_BOOL", "C_CHAR", "C_SHORT", "C_INT", "C_LONG",
            "C_LONG_LONG", "C_FLOAT", "C_DOUBLE", "C_POINTER");

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

    /** A struct the bindings lack, a struct class the header lacks, and a renamed field are noticed. */
    @Test
    void comparisonDetectsStructDifferences() throws IOException {
        String original = Files.readString(HEADER);
        String changed = original
                .replaceAll("(?s)typedef struct dfy_ppo_stats \\{[^}]*} dfy_ppo_stats;", "")
                .replace("typedef struct dfy_model_s* dfy_model;",
                        "typedef struct dfy_new_options { int64_t x; } dfy_new_options;\ntypedef struct dfy_model_s* dfy_model;")
                .replace("double beta2;", "double beta3;");
        assertTrue(!changed.contains("dfy_ppo_stats {") && changed.contains("beta3"), "the header changed shape");
        String problems = String.join("\n", compare(Header.parse(changed), bindings));
        for (String expected : List.of(
                "densify_h.dfy_ppo_stats: public nested class not declared by the header",
                "struct dfy_new_options: no nested class densify_h.dfy_new_options",
                "struct dfy_adam_options: fields [learning_rate, beta1, beta3,",
                "struct dfy_adam_options.beta3: no method beta3$offset()",
                "struct dfy_adam_options: public static method beta2$offset() matches no field")) {
            assertTrue(problems.contains(expected), "not reported: " + expected + "\n" + problems);
        }
    }

    /** Accessors at wrong offsets, a wrong F$layout() or F$offset(), and an extra method are noticed. */
    @Test
    void structClassComparisonDetectsBadAccessors() {
        Header h = Header.parse("typedef struct dfy_t { int64_t a; int64_t b; int32_t c; } dfy_t;");
        List<String> problems = new ArrayList<>();
        compareStructClass("dfy_t", h.structs.get("dfy_t"), FaultyStruct.class, problems);
        String all = String.join("\n", problems);
        for (String expected : List.of(
                "struct dfy_t.a: a$layout() is named b, must be a",
                "struct dfy_t.c: c$offset() is 20, the C offset is 16",
                "struct dfy_t.a: wrote " + 0x1122334455667701L + " with the setter, read " + 0x1122334455667702L,
                "struct dfy_t.b: wrote " + 0x1122334455667702L + " with the setter, read 0 through the header's layout at the C offset 8",
                "struct dfy_t.c: wrote " + (0x11223300 + 3) + " with the setter, the getter returned 0",
                "struct dfy_t: public static method extra() matches no field")) {
            assertTrue(all.contains(expected), "not reported: " + expected + "\n" + all);
        }
        assertEquals(7, problems.size(), all); // a's raw value and getter, b's raw value, c's getter, the three above

        problems.clear();
        compareStructClass("dfy_t", h.structs.get("dfy_t"), SoundStruct.class, problems);
        assertEquals(List.of(), problems);
    }

    /** A public member of densify_h that the header does not declare (a struct layout field included) is noticed. */
    @Test
    void comparisonDetectsExtraPublicMembers() throws IOException {
        String problems = String.join("\n", compare(Header.parse(Files.readString(HEADER)), StrayMembers.class));
        for (String expected : List.of(
                "struct dfy_model_config: a layout field StrayMembers.dfy_model_config; a struct is a class of its own",
                "StrayMembers.stray(long): public method not declared by the header",
                "StrayMembers.C_LONG: public field not declared by the header",
                "StrayMembers.Nested: public nested class not declared by the header")) {
            assertTrue(problems.contains(expected), "not reported: " + expected + "\n" + problems);
        }
        assertTrue(!problems.contains("StrayMembers.C_INT"), problems);
    }

    /** dfy_t { int64_t a; int64_t b; int32_t c; } with every accessor right. */
    public static final class SoundStruct {
        private static final StructLayout LAYOUT = MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withName("a"),
                ValueLayout.JAVA_LONG.withName("b"), ValueLayout.JAVA_INT.withName("c"), MemoryLayout.paddingLayout(4))
                .withName("dfy_t");

        public static GroupLayout layout() { return LAYOUT; }
        public static long sizeof() { return LAYOUT.byteSize(); }
        public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }
        public static ValueLayout.OfLong a$layout() { return (ValueLayout.OfLong) LAYOUT.select(MemoryLayout.PathElement.groupElement("a")); }
        public static long a$offset() { return 0; }
        public static long a(MemorySegment s) { return s.get(ValueLayout.JAVA_LONG, 0); }
        public static void a(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, 0, v); }
        public static ValueLayout.OfLong b$layout() { return (ValueLayout.OfLong) LAYOUT.select(MemoryLayout.PathElement.groupElement("b")); }
        public static long b$offset() { return 8; }
        public static long b(MemorySegment s) { return s.get(ValueLayout.JAVA_LONG, 8); }
        public static void b(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, 8, v); }
        public static ValueLayout.OfInt c$layout() { return (ValueLayout.OfInt) LAYOUT.select(MemoryLayout.PathElement.groupElement("c")); }
        public static long c$offset() { return 16; }
        public static int c(MemorySegment s) { return s.get(ValueLayout.JAVA_INT, 16); }
        public static void c(MemorySegment s, int v) { s.set(ValueLayout.JAVA_INT, 16, v); }
    }

    /** As SoundStruct, but a$layout() gives b's, b's setter writes a, c's getter and c$offset() point into the padding. */
    public static final class FaultyStruct {
        public static GroupLayout layout() { return SoundStruct.layout(); }
        public static long sizeof() { return SoundStruct.sizeof(); }
        public static MemorySegment allocate(SegmentAllocator allocator) { return SoundStruct.allocate(allocator); }
        public static ValueLayout.OfLong a$layout() { return SoundStruct.b$layout(); }
        public static long a$offset() { return 0; }
        public static long a(MemorySegment s) { return s.get(ValueLayout.JAVA_LONG, 0); }
        public static void a(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, 0, v); }
        public static ValueLayout.OfLong b$layout() { return SoundStruct.b$layout(); }
        public static long b$offset() { return 8; }
        public static long b(MemorySegment s) { return s.get(ValueLayout.JAVA_LONG, 0); }
        public static void b(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, 0, v); }
        public static ValueLayout.OfInt c$layout() { return SoundStruct.c$layout(); }
        public static long c$offset() { return 20; }
        public static int c(MemorySegment s) { return s.get(ValueLayout.JAVA_INT, 20); }
        public static void c(MemorySegment s, int v) { s.set(ValueLayout.JAVA_INT, 16, v); }
        public static long extra() { return 0; }
    }

    /** Stands in for densify_h with members the header does not declare. */
    static final class StrayMembers {
        public static final StructLayout dfy_model_config = MemoryLayout.structLayout(ValueLayout.JAVA_LONG);
        public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
        public static ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;

        public static void stray(long x) {
        }

        public static final class Nested {
        }
    }

    // ---- comparison ---------------------------------------------------------------------

    static List<String> compare(Header header, Class<?> bindings) throws IOException {
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
        compareOtherPublicMembers(header, bindings, holders.keySet(), constants.keySet(), problems);

        header.structs.forEach((name, fields) -> {
            Class<?> struct;
            try {
                struct = Class.forName(bindings.getName() + "$" + name, true, bindings.getClassLoader());
            } catch (ClassNotFoundException e) {
                problems.add("struct " + name + ": no nested class densify_h." + name + " in the bindings");
                return;
            } catch (LinkageError e) {
                problems.add("struct " + name + ": class densify_h." + name + " cannot be initialised: " + e);
                return;
            }
            compareStructClass(name, fields, struct, problems);
        });
        return problems;
    }

    /**
     * Every public member of the bindings class that none of the checks above accounts for: only
     * wrappers of the header's functions (with {@code $descriptor}, {@code $handle},
     * {@code $address}), {@code DFY_*()} constants, function-pointer classes and jextract's
     * primitive layouts {@code C_*} may be public. Members named after a holder or constant are
     * left to those checks (which report them when the header lacks them).
     */
    private static void compareOtherPublicMembers(Header header, Class<?> bindings, Set<String> holders,
                                                  Set<String> constants, List<String> problems) {
        String owner = bindings.getSimpleName();
        Set<String> allowed = new HashSet<>();
        for (Function f : header.functions.values()) {
            String params = f.params.stream().map(l -> carrier(l).getName()).collect(Collectors.joining(","));
            allowed.add(f.name + "(" + params + ")");
            for (String suffix : List.of("$descriptor", "$handle", "$address")) {
                allowed.add(f.name + suffix + "()");
            }
        }
        for (Field field : bindings.getDeclaredFields()) {
            if (!Modifier.isPublic(field.getModifiers())) {
                continue;
            }
            if (Modifier.isStatic(field.getModifiers()) && GroupLayout.class.isAssignableFrom(field.getType())) {
                problems.add("struct " + field.getName() + ": a layout field " + owner + "." + field.getName()
                        + "; a struct is a class of its own (" + bindings.getPackageName() + "." + field.getName() + ")");
            } else if (!(PRIMITIVE_LAYOUTS.contains(field.getName()) && Modifier.isStatic(field.getModifiers())
                    && Modifier.isFinal(field.getModifiers()) && ValueLayout.class.isAssignableFrom(field.getType()))) {
                problems.add(owner + "." + field.getName() + ": public field not declared by the header");
            }
        }
        for (Method m : bindings.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            String base = m.getName().replaceFirst("\\$(descriptor|handle|address)$", "");
            boolean leftToOtherChecks = constants.contains(m.getName())
                    || (holders.contains(base) && !header.functions.containsKey(base));
            if (!leftToOtherChecks && !(Modifier.isStatic(m.getModifiers()) && allowed.contains(signature(m)))) {
                problems.add(owner + "." + signature(m) + ": public method not declared by the header");
            }
        }
        for (Class<?> nested : bindings.getDeclaredClasses()) {
            boolean functionPointer = Arrays.stream(nested.getDeclaredClasses())
                    .anyMatch(c -> c.getSimpleName().equals("Function"));
            if (Modifier.isPublic(nested.getModifiers()) && !functionPointer && !holders.contains(nested.getSimpleName())
                    && !header.structs.containsKey(nested.getSimpleName())) {
                problems.add(owner + "." + nested.getSimpleName() + ": public nested class not declared by the header");
            }
        }
    }

    /**
     * A struct's class in jextract's shape (see the class comment): its layout as
     * {@link #compareStruct}, its accessors against the C layout, a round trip through them, and no
     * public member besides.
     */
    static void compareStructClass(String name, List<StructField> fields, Class<?> struct, List<String> problems) {
        String what = "struct " + name;
        if (!Modifier.isPublic(struct.getModifiers())) {
            problems.add(what + ": class " + struct.getName() + " must be public");
        }
        CLayout c = CLayout.of(fields);
        Set<String> expected = new HashSet<>();

        Method layoutMethod = staticMethod(struct, what, GroupLayout.class, "layout", expected, problems);
        if (layoutMethod != null) {
            Object layout = invoke(layoutMethod, what, problems);
            if (layout instanceof StructLayout s) {
                compareStruct(name, fields, s, problems);
            } else if (layout != FAILED) {
                problems.add(what + ": layout() is " + layout + ", not a StructLayout");
            }
        }
        Method sizeof = staticMethod(struct, what, long.class, "sizeof", expected, problems);
        if (sizeof != null && invoke(sizeof, what, problems) instanceof Long size && size != c.size()) {
            problems.add(what + ": sizeof() is " + size + ", sizeof in C is " + c.size());
        }
        Method allocate = staticMethod(struct, what, MemorySegment.class, "allocate", expected, problems,
                SegmentAllocator.class);

        Method[] getters = new Method[fields.size()];
        Method[] setters = new Method[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            StructField field = fields.get(i);
            String f = field.name();
            String where = what + "." + f;
            Class<?> carrier = carrier(field.layout());
            Method layoutOf = staticMethod(struct, where, layoutInterface(field.layout()), f + "$layout", expected, problems);
            if (layoutOf != null && invoke(layoutOf, where, problems) instanceof MemoryLayout l) {
                if (!l.withoutName().equals(field.layout())) {
                    problems.add(where + ": " + f + "$layout() is " + l.withoutName() + ", the header's type is "
                            + field.layout());
                }
                if (!l.name().equals(Optional.of(f))) {
                    problems.add(where + ": " + f + "$layout() is named " + l.name().orElse("(no name)")
                            + ", must be " + f);
                }
            }
            Method offsetOf = staticMethod(struct, where, long.class, f + "$offset", expected, problems);
            if (offsetOf != null && invoke(offsetOf, where, problems) instanceof Long offset && offset != c.offsets()[i]) {
                problems.add(where + ": " + f + "$offset() is " + offset + ", the C offset is " + c.offsets()[i]);
            }
            getters[i] = staticMethod(struct, where + " (getter)", carrier, f, expected, problems, MemorySegment.class);
            setters[i] = staticMethod(struct, where + " (setter)", void.class, f, expected, problems,
                    MemorySegment.class, carrier);
        }

        if (Arrays.stream(getters).noneMatch(m -> m == null) && Arrays.stream(setters).noneMatch(m -> m == null)) {
            roundTrip(name, fields, c, allocate, getters, setters, problems);
        }

        for (Method m : struct.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !expected.contains(signature(m))) {
                problems.add(what + ": public " + (Modifier.isStatic(m.getModifiers()) ? "static " : "") + "method "
                        + signature(m) + " matches no field of the header (only layout(), sizeof(), allocate(SegmentAllocator)"
                        + " and F$layout(), F$offset(), F(MemorySegment), F(MemorySegment, value) per field)");
            }
        }
        for (Field field : struct.getDeclaredFields()) {
            if (Modifier.isPublic(field.getModifiers())) {
                problems.add(what + ": public field " + field.getName() + " (a struct class exposes methods only)");
            }
        }
        for (Class<?> nested : struct.getDeclaredClasses()) {
            if (Modifier.isPublic(nested.getModifiers())) {
                problems.add(what + ": public nested class " + nested.getSimpleName() + " matches nothing in the header");
            }
        }
    }

    /**
     * Allocates the struct (with its {@code allocate}, else by the C size) in a confined arena,
     * writes a distinct value to every field with its setter, then reads every field back through
     * the header's layout at the C offset and through its getter.
     */
    private static void roundTrip(String name, List<StructField> fields, CLayout c, Method allocate, Method[] getters,
                                  Method[] setters, List<String> problems) {
        String what = "struct " + name;
        try (Arena arena = Arena.ofConfined()) {
            Object allocated = allocate == null ? arena.allocate(c.size(), c.align())
                    : invoke(allocate, what + ": allocate", problems, arena);
            if (!(allocated instanceof MemorySegment segment)) {
                if (allocated != FAILED) {
                    problems.add(what + ": allocate returned " + allocated);
                }
                return;
            }
            if (segment.byteSize() != c.size()) {
                problems.add(what + ": allocate gave " + segment.byteSize() + " bytes, sizeof in C is " + c.size());
                return;
            }
            Object[] written = new Object[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                written[i] = sample(fields.get(i).layout(), i);
                if (invoke(setters[i], what + "." + fields.get(i).name() + " (setter)", problems, segment, written[i]) == FAILED) {
                    return;
                }
            }
            for (int i = 0; i < fields.size(); i++) {
                StructField field = fields.get(i);
                String where = what + "." + field.name();
                Object raw = comparable(readRaw(segment, field.layout(), c.offsets()[i]));
                if (!raw.equals(comparable(written[i]))) {
                    problems.add(where + ": wrote " + comparable(written[i]) + " with the setter, read " + raw
                            + " through the header's layout at the C offset " + c.offsets()[i]
                            + " (a setter writes at a wrong offset)");
                }
                Object got = invoke(getters[i], where + " (getter)", problems, segment);
                if (got != FAILED && !comparable(got).equals(comparable(written[i]))) {
                    problems.add(where + ": wrote " + comparable(written[i]) + " with the setter, the getter returned "
                            + comparable(got) + " (the getter reads at a wrong offset)");
                }
            }
        }
    }

    /** A value of the field's carrier, distinct per field index and with no zero byte. */
    private static Object sample(MemoryLayout layout, int index) {
        int i = index + 1;
        return switch (layout) {
            case ValueLayout.OfInt _ -> 0x11223300 + i;
            case ValueLayout.OfLong _ -> 0x1122334455667700L + i;
            case ValueLayout.OfFloat _ -> 0.375f + i;
            case ValueLayout.OfDouble _ -> 0.1 + 1024 * i;
            case AddressLayout _ -> MemorySegment.ofAddress(0x1122334455667700L + 8L * i);
            default -> throw new AssertionError("no sample for " + layout + "; extend the test");
        };
    }

    private static Object readRaw(MemorySegment segment, MemoryLayout layout, long offset) {
        return switch (layout) {
            case ValueLayout.OfInt l -> segment.get(l, offset);
            case ValueLayout.OfLong l -> segment.get(l, offset);
            case ValueLayout.OfFloat l -> segment.get(l, offset);
            case ValueLayout.OfDouble l -> segment.get(l, offset);
            case AddressLayout l -> segment.get(l, offset);
            default -> throw new AssertionError("cannot read " + layout + "; extend the test");
        };
    }

    /** Segments compare by address (a segment read back has another size and scope). */
    private static Object comparable(Object value) {
        return value instanceof MemorySegment s ? "address 0x" + Long.toHexString(s.address()) : value;
    }

    /** The static type jextract gives {@code F$layout()} for a field of this C layout. */
    private static Class<?> layoutInterface(MemoryLayout layout) {
        return switch (layout) {
            case ValueLayout.OfInt _ -> ValueLayout.OfInt.class;
            case ValueLayout.OfLong _ -> ValueLayout.OfLong.class;
            case ValueLayout.OfFloat _ -> ValueLayout.OfFloat.class;
            case ValueLayout.OfDouble _ -> ValueLayout.OfDouble.class;
            case AddressLayout _ -> AddressLayout.class;
            default -> throw new AssertionError("no layout type for " + layout + "; extend the test");
        };
    }

    /**
     * The public static method name(params) returning returnType, or null (reported). Its
     * signature is added to expected, so that it does not count as an extra member.
     */
    private static Method staticMethod(Class<?> owner, String what, Class<?> returnType, String name, Set<String> expected,
                                       List<String> problems, Class<?>... params) {
        String sig = name + "(" + Arrays.stream(params).map(Class::getName).collect(Collectors.joining(",")) + ")";
        expected.add(sig);
        Method m;
        try {
            m = owner.getDeclaredMethod(name, params);
        } catch (NoSuchMethodException e) {
            problems.add(what + ": no method " + sig + " in " + owner.getName());
            return null;
        }
        if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers()) || m.getReturnType() != returnType) {
            problems.add(what + ": " + sig + " must be public static and return " + returnType.getName()
                    + " (returns " + m.getReturnType().getName() + ")");
            return null;
        }
        return m;
    }

    private static final Object FAILED = new Object();

    /** Calls a static method; a failure is reported and gives {@link #FAILED} (null for a void method). */
    private static Object invoke(Method m, String what, List<String> problems, Object... args) {
        try {
            m.setAccessible(true);
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            problems.add(what + ": " + signature(m) + " threw " + e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            problems.add(what + ": cannot call " + signature(m) + ": " + e);
        }
        return FAILED;
    }

    private static String signature(Method m) {
        return m.getName() + "(" + Arrays.stream(m.getParameterTypes()).map(Class::getName)
                .collect(Collectors.joining(",")) + ")";
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
        CLayout c = CLayout.of(fields);
        for (int i = 0; i < fields.size(); i++) {
            StructField field = fields.get(i);
            MemoryLayout member = members.get(i);
            long offset = c.offsets()[i];
            if (!member.withoutName().equals(field.layout())) {
                problems.add("struct " + name + "." + field.name() + ": " + field.layout() + " in the header, "
                        + member.withoutName() + " in the bindings");
            }
            long actualOffset = layout.byteOffset(MemoryLayout.PathElement.groupElement(field.name()));
            if (actualOffset != offset) {
                problems.add("struct " + name + "." + field.name() + ": offset " + offset + " in C, "
                        + actualOffset + " in the bindings (mirror C's padding with paddingLayout)");
            }
        }
        long size = c.size();
        if (layout.byteSize() != size) {
            problems.add("struct " + name + ": sizeof is " + size + " in C, " + layout.byteSize()
                    + " in the bindings (add trailing paddingLayout)");
        }
        if (!layout.name().equals(Optional.of(name))) {
            problems.add("struct " + name + ": layout must be named " + name);
        }
    }

    /** Offsets, size and alignment of a struct as a C compiler lays it out on x86-64 (natural alignment). */
    record CLayout(long[] offsets, long size, long align) {
        static CLayout of(List<StructField> fields) {
            long[] offsets = new long[fields.size()];
            long offset = 0;
            long align = 1;
            for (int i = 0; i < fields.size(); i++) {
                long size = fields.get(i).layout().byteSize();
                offset = (offset + size - 1) / size * size;
                align = Math.max(align, size);
                offsets[i] = offset;
                offset += size;
            }
            return new CLayout(offsets, (offset + align - 1) / align * align, align);
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
