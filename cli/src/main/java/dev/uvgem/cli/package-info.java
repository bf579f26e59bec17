/**
 * The uvgem command line.
 */
package dev.uvgem.cli;
