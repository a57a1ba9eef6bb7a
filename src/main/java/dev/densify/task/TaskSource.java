package dev.densify.task;

import dev.densify.rl.PpoTask;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * What a training run or a study trial opens its PPO task from: a prepared built-in task, or the
 * user's own models and prompts. Opened anew for every trial, closed after it.
 */
public interface TaskSource {

    /**
     * Opens the task.
     *
     * @param maxNewTokens the response length of the run, which bounds the prompts' length
     * @param log          where to say what was read (prompts kept and dropped)
     */
    Opened open(String device, int maxNewTokens, PrintStream log);

    /** What the task is made of, as text (paths, names): a study records it to refuse a resume on other inputs. */
    Map<String, String> describe();

    /** An opened task and what to close with it. */
    record Opened(PpoTask ppo, AutoCloseable owner) implements AutoCloseable {
        public Opened {
            Objects.requireNonNull(ppo, "ppo");
            Objects.requireNonNull(owner, "owner");
        }

        /** Closes the owner; a checked failure of it becomes an {@link IllegalStateException}. */
        @Override
        public void close() {
            try {
                owner.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the task: " + e.getMessage(), e);
            }
        }
    }
}
