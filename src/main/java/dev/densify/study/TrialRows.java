package dev.densify.study;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Function;

/** What both study databases share: transactions, reading a trial row, checks. */
final class TrialRows {

    private TrialRows() {
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /** A time column as the database stores it. */
    @FunctionalInterface
    interface Times {
        Instant read(ResultSet rs, String column) throws SQLException;
    }

    /** Runs {@code work} and commits, or rolls back and rethrows (SQL errors through {@code failure}). */
    static <T> T transaction(Connection connection, Work<T> work, Function<SQLException, StudyException> failure) {
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            if (e instanceof SQLException s) {
                throw failure.apply(s);
            }
            throw (RuntimeException) e;
        }
    }

    /** The trial of the current row; a malformed row is a {@link StudyException} naming {@code where}. */
    static TrialRecord read(ResultSet rs, Times times, String where) throws SQLException {
        int number = rs.getInt("number");
        try {
            double objective = rs.getDouble("objective");
            if (rs.wasNull()) {
                objective = Double.NaN;
            }
            return new TrialRecord(number, TrialState.valueOf(rs.getString("state")), rs.getString("origin"),
                    StudyJson.readMap(rs.getString("parameters")), rs.getLong("seed"), objective,
                    StudyJson.readList(rs.getString("learning_curve")), StudyJson.readMap(rs.getString("metrics")),
                    rs.getString("error"), rs.getInt("attempts"), times.read(rs, "created"), times.read(rs, "started"),
                    times.read(rs, "finished"));
        } catch (RuntimeException e) {
            throw new StudyException(where + ": trial " + number + " is malformed: " + e.getMessage(), e);
        }
    }

    static void expectOne(int updated, int number, String state) {
        if (updated != 1) {
            throw new IllegalStateException("trial " + number + " is not " + state);
        }
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing: nothing to do
            }
        }
    }
}
