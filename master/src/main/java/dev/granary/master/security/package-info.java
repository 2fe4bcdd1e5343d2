/**
 * Who may do what on the master: callers, users and their credentials, permission checks, the
 * cluster's certificate authority and chunk access tokens.
 */
package dev.granary.master.security;
