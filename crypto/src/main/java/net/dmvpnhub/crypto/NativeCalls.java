package net.dmvpnhub.crypto;

/**
 * What the native engines do with what a downcall threw: {@code MethodHandle.invokeExact}
 * declares {@link Throwable}, but a native call that fails is a bug or a broken library, never
 * a bad packet, so it leaves as an unchecked exception (errors as they are).
 */
final class NativeCalls
{
    private NativeCalls()
    {
    }

    static RuntimeException rethrow(final Throwable ex)
    {
        if (ex instanceof RuntimeException runtime)
        {
            return runtime;
        }
        if (ex instanceof Error error)
        {
            throw error;
        }
        return new IllegalStateException(ex);
    }
}
