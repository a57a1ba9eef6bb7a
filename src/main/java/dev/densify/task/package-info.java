/**
 * Built-in tasks and what they share: {@link dev.densify.task.TaskDirectory} (the completion
 * protocol of prepared task directories: partial build, hash marker, rename, reuse),
 * {@link dev.densify.task.PrepareOptions}, {@link dev.densify.task.TaskSize},
 * {@link dev.densify.task.TaskJson} (canonical JSON) and {@link dev.densify.task.NativeThreads}.
 * The tasks themselves live in sub-packages ({@link dev.densify.task.reviews}).
 */
package dev.densify.task;
