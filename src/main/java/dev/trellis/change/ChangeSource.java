package dev.trellis.change;

/** What made a synced row change; stored as the change event's {@code source}. */
public enum ChangeSource {
    POLL("poll"), SWEEP("sweep"), WEBHOOK("webhook"), WRITE_BACK("write-back");

    private final String label;

    ChangeSource(String label) {
        this.label = label;
    }

    /** The value in {@code change_event.source} and in the API. */
    public String label() {
        return label;
    }
}
