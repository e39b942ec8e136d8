package dev.trellis.api;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that asks a running hub through its REST API ({@code --url}, the token from the environment). Exit code 2
 * when the hub cannot be reached or refuses; each command says what its other codes mean.
 */
public abstract class ApiCommand implements Callable<Integer> {
    @Mixin
    protected ApiClient.Options api;
    @Spec
    protected CommandSpec spec;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Says why the hub refused; exit code 2. */
    protected int refused(ApiClient.Answer answer) {
        spec.commandLine().getErr().println("Refused (" + answer.status() + "): " + answer.error());
        return 2;
    }

    @Override
    public Integer call() throws Exception {
        try {
            return call(api.client());
        } catch (IOException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
    }

    /** Asks the hub and prints the outcome; returns the exit code. */
    protected abstract int call(ApiClient client) throws Exception;
}
