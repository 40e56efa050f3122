package io.simstream.scoring;

import io.simstream.lifecycle.LoadedModel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model currently serving, shared by the global-store thread (which swaps it) and the stream
 * threads (which read it once per pair). A swap is one reference replacement, so a pair is scored
 * entirely by the old model or entirely by the new one.
 */
public final class LiveModel {
    public enum Offer { SWAPPED, NOT_NEWER }

    private final String name;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();

    public LiveModel(String name) {
        this.name = name;
    }

    /** The model name this service serves (the key on the models topic). */
    public String name() {
        return name;
    }

    /** The serving model, or null while none has been loaded. */
    public LoadedModel current() {
        return current.get();
    }

    public boolean isLoaded() {
        return current.get() != null;
    }

    public long version() {
        LoadedModel m = current.get();
        return m == null ? 0 : m.version();
    }

    /** Installs candidate if its version is higher than the serving one; versions only go up. */
    public Offer offer(LoadedModel candidate) {
        while (true) {
            LoadedModel before = current.get();
            if (before != null && candidate.version() <= before.version()) {
                return Offer.NOT_NEWER;
            }
            if (current.compareAndSet(before, candidate)) {
                return Offer.SWAPPED;
            }
        }
    }
}
