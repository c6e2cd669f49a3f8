package io.nftlb.examples;

import java.io.File;

/** The examples build network namespaces and load rules: they say so plainly when they cannot. */
public final class Privileges {

    private Privileges() {}

    /**
     * Exits with status 2 and a hint when not root or when {@code nft} is missing; nothing has
     * been changed by then.
     *
     * @param what the program, as the message should name it ("The demo")
     */
    public static void exitUnlessRoot(String what) {
        String why = cannotRun();
        if (why != null) {
            System.err.println(what + " builds network namespaces and loads nftables rules, so it " + why + ".");
            System.err.println("Run it as root (for example: sudo ./dev.sh demo). Nothing was changed.");
            System.exit(2);
        }
    }

    private static String cannotRun() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            if (!uid.equals("0")) {
                return "needs root (you are uid " + uid + ")";
            }
        } catch (Exception e) {
            return "could not check the user id (" + e.getMessage() + ")";
        }
        if (!new File("/usr/sbin/nft").canExecute()) {
            return "needs the nft command (Debian package nftables)";
        }
        return null;
    }
}
