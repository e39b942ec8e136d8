package dev.trellis.sandbox;

/** Answers the requests of one API area. */
interface Handler {
    Reply handle(SandboxRequest request);
}
