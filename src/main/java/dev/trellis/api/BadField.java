package dev.trellis.api;

/** Input that cannot be taken as it is; {@link #field()} names the field, parameter or header it is about. */
public class BadField extends IllegalArgumentException {
    private final String field;
    private final String problem;

    public BadField(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    /** As the REST API answers it. */
    public String answer() {
        return "Field '" + field + "': " + problem;
    }
}
