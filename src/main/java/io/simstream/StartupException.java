package io.simstream;

/** A part of the system could not start; the message names the part and why. The CLI exits 1 with it. */
public class StartupException extends RuntimeException {
    public StartupException(String part, Throwable cause) {
        super("could not start the " + part + ": " + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root == t ? String.valueOf(m) : t.getMessage() + " (" + root.getClass().getSimpleName() + ": " + m + ")";
    }
}
