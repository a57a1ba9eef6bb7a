/**
 * densify: dense rewards for RLHF from SHAP, LIME and attention, blended with weights found by
 * Bayesian optimisation around PPO. The exported packages are the API; {@code engine.internal}
 * (every downcall, upcall and struct) and {@code bindings} (the C header's mirror) are not.
 */
module dev.densify {
    requires ai.djl.tokenizers;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires commons.math3;
    requires info.picocli;
    requires java.sql;
    requires jdk.management;
    requires org.apache.commons.csv;
    requires org.postgresql.jdbc;
    requires org.xerial.sqlitejdbc;

    exports dev.densify.attribution;
    exports dev.densify.bo;
    exports dev.densify.data;
    exports dev.densify.cli;
    exports dev.densify.engine;
    exports dev.densify.model;
    exports dev.densify.report;
    exports dev.densify.reward;
    exports dev.densify.rl;
    exports dev.densify.shaping;
    exports dev.densify.study;
    exports dev.densify.task;
    exports dev.densify.task.reviews;
    exports dev.densify.text;

    // picocli fills the commands' fields; Jackson binds the configuration records.
    opens dev.densify.cli to info.picocli;
    opens dev.densify.attribution to com.fasterxml.jackson.databind;
    opens dev.densify.model to com.fasterxml.jackson.databind;
    opens dev.densify.rl to com.fasterxml.jackson.databind;
    opens dev.densify.study to com.fasterxml.jackson.databind;
    opens dev.densify.task to com.fasterxml.jackson.databind;
    opens dev.densify.task.reviews to com.fasterxml.jackson.databind;
}
