#!/usr/bin/perl
# The backend of t/browser/setcookie.t: /setcookie?l=<base64url> answers
# with that one Set-Cookie line, byte for byte (with n=<name>, under that
# spelling of the header's name); /echo answers with the
# Cookie header it received (after the gate's scrub).
use strict;
use warnings;
use MIME::Base64 qw(decode_base64url);

binmode STDOUT;
my $script = $ENV{SCRIPT_NAME} || '';
my ($l) = ($ENV{QUERY_STRING} || '') =~ /(?:^|&)l=([A-Za-z0-9_-]*)/;
# the header's name as a backend may spell it (t/gate/responses.t)
my ($n) = ($ENV{QUERY_STRING} || '') =~ /(?:^|&)n=([A-Za-z-]+)/;
print "Content-Type: text/plain\r\nCache-Control: no-store\r\n";
if ($script =~ /echo$/) {
    print "\r\n", ($ENV{HTTP_COOKIE} // ''), "\n";
    exit 0;
}
if (defined $l) {
    print $n // 'Set-Cookie', ': ', decode_base64url($l), "\r\n";
}
print "\r\nok\n";
