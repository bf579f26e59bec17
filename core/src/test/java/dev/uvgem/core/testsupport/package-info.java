/**
 * Test support shared by the modules' test suites: a stand-in process ({@link dev.uvgem.core.testsupport.TestTask}),
 * fences with scripted driver hooks ({@link dev.uvgem.core.testsupport.TestFences}), a counting callback, counting
 * buffer memory, threads that block on purpose ({@link dev.uvgem.core.testsupport.Threads}) and errno assertions.
 *
 * <p>Only this package is packed into core's test-jar ({@code uvgem-core:tests}); other modules depend on it with
 * {@code <type>test-jar</type><scope>test</scope>}. Nothing here is part of uvgem's API.
 */
package dev.uvgem.core.testsupport;
