package dev.densify.engine.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ownership, closing and serialisation of handles, with a fake native pointer. */
class NativeHandleTest {

    /** A handle as the public classes hold one. */
    static final class Thing implements AutoCloseable {
        private final NativeHandle handle;

        Thing(long address, LongConsumer free) {
            handle = new NativeHandle("Thing", address, free);
        }

        <T> T run(LongFunction<T> body) {
            return handle.call(body);
        }

        boolean isClosed() {
            return handle.isClosed();
        }

        @Override
        public void close() {
            handle.close();
        }
    }

    private final List<Long> freed = new CopyOnWriteArrayList<>();

    @Test
    void closeFreesOnceAndIsIdempotent() {
        Thing thing = new Thing(42, freed::add);
        assertEquals(42L, (long) thing.<Long>run(a -> a));
        thing.close();
        thing.close();
        assertEquals(List.of(42L), freed);
        assertTrue(thing.isClosed());
    }

    @Test
    void useAfterCloseThrows() {
        Thing thing = new Thing(1, freed::add);
        thing.close();
        var e = assertThrows(IllegalStateException.class, () -> thing.run(a -> a));
        assertEquals("Thing is closed", e.getMessage());
    }

    @Test
    void nullPointerIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Thing(0, freed::add));
    }

    @Test
    void closeWaitsForACallInProgress() throws Exception {
        Thing thing = new Thing(7, freed::add);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread caller = Thread.ofPlatform().start(() -> thing.run(a -> {
            inside.countDown();
            await(release);
            assertTrue(freed.isEmpty(), "freed during a call");
            return null;
        }));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        Thread closer = Thread.ofPlatform().start(thing::close);
        closer.join(200);
        assertTrue(closer.isAlive(), "close must wait for the call");
        assertTrue(freed.isEmpty());
        release.countDown();
        closer.join(10_000);
        caller.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(List.of(7L), freed);
    }

    @Test
    void callsOnOneHandleAreSerialised() throws Exception {
        Thing thing = new Thing(3, freed::add);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int j = 0; j < 200; j++) {
                    thing.run(a -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.onSpinWait();
                        inside.decrementAndGet();
                        return null;
                    });
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, maxInside.get());
        thing.close();
    }

    @Test
    void cleanerFreesAnUnreachableHandle() throws InterruptedException {
        create(99);
        for (int i = 0; i < 100 && freed.isEmpty(); i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(List.of(99L), freed);
    }

    private void create(long address) {
        new Thing(address, freed::add).run(a -> a);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
