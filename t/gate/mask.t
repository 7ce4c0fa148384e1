# ConsentMaskAddress: the client address as the backend (CGI, mod_proxy_http's
# X-Forwarded-For, php-fpm) and the access log (%a, %h) see it, while
# access control (Require ip) and mod_remoteip see the real one.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use Apache::TestRequest ();
use LWP::UserAgent ();
use Time::HiRes ();
use CG;

my $logs = Apache::Test::vars('t_logs');
my $seq = 0;

# a unique query, so each request's log line can be found
sub marker { return sprintf 'm=%d-%d', $$, ++$seq }

# what the echo backend reports, as a hash, and the response
sub echo {
    my ($vhost, $path, @headers) = @_;
    my $res = get_from($vhost, $path, @headers);
    my %seen = map { /^(\w+)=(.*)$/ ? ($1 => $2) : () }
        split /\n/, $res->content;
    return ($res, \%seen);
}

# the "%a %h" of the log line for the request that carried $marker: the
# line is written after the response, so it is waited for
sub logged {
    my ($file, $marker) = @_;
    for (1 .. 100) {
        if (open my $fh, '<', "$logs/$file") {
            while (my $line = <$fh>) {
                return ($1, $2, $3)
                    if $line =~ /^(\S+) (\S+) "[A-Z]+ \S*\Q$marker\E\S* [^"]*" (\d+)/;
            }
        }
        Time::HiRes::sleep(0.05);
    }
    return;
}

my $real   = '127.0.0.1';
my $masked = '127.0.0.0';

# what each place sees under each mode: [mode, backend sees, log shows]
my @modes = (
    [ 'both',    $masked, $masked ],
    [ 'logs',    $real,   $masked ],
    [ 'backend', $masked, $real ],
    [ 'off',     $real,   $real ],
);
for my $m (@modes) {
    my ($mode, $backend, $log) = @$m;

    my $mk = marker();
    my ($res, $env) = echo('mask', "/$mode/cgi/?$mk");
    is($res->code, 200, "$mode: the CGI answers");
    is($env->{REMOTE_ADDR}, $backend, "$mode: CGI's REMOTE_ADDR is $backend");
    is($env->{REMOTE_HOST}, '', "$mode: no REMOTE_HOST");
    is($env->{X_REAL_IP}, $backend,
       "$mode: RequestHeader's %{REMOTE_ADDR} is $backend");
    my ($ip, $h, $status) = logged('mask_log', $mk);
    is($ip, $log, "$mode: the access log's %a is $log (CGI)");
    is($h, $log, "$mode: the access log's %h is $log (CGI)");

    $mk = marker();
    ($res, $env) = echo('mask', "/$mode/proxy/?$mk");
    is($res->code, 200, "$mode: the proxied backend answers");
    is($env->{X_FORWARDED_FOR}, $backend,
       "$mode: mod_proxy_http's X-Forwarded-For is $backend");
    ($ip, $h) = logged('mask_log', $mk);
    is($ip, $log, "$mode: the access log's %a is $log (proxy)");
    is($h, $log, "$mode: the access log's %h is $log (proxy)");

    $mk = marker();
    ($res, $env) = echo('mask', "/$mode/fpm/echo.php?$mk");
    is($res->code, 200, "$mode: php-fpm answers");
    is($env->{REMOTE_ADDR}, $backend, "$mode: php-fpm's REMOTE_ADDR is $backend");
    ($ip, $h) = logged('mask_log', $mk);
    is($ip, $log, "$mode: the access log's %a is $log (php-fpm)");
}

# where no ConsentMaskAddress applies (the main server), nothing changes
{
    my ($res, $env) = echo('default', '/maskecho/');
    is($env->{REMOTE_ADDR}, $real, 'default off: REMOTE_ADDR is the real one');
}

# a client's (or an untrusted proxy's) X-Forwarded-For is masked on its
# way to the backend too, where the backend gets the masked address
{
    my ($res, $env) = echo('mask', '/both/proxy/',
                           'X-Forwarded-For' => '198.51.100.7, _hidden');
    is($env->{X_FORWARDED_FOR}, "198.51.0.0, unknown, $masked",
       'both: the addresses a client listed reach the backend masked');
    ($res, $env) = echo('mask', '/logs/proxy/',
                        'X-Forwarded-For' => '198.51.100.7');
    is($env->{X_FORWARDED_FOR}, "198.51.100.7, $real",
       'logs: the backend gets the list as sent');
}

# Require ip sees the real address: 127.0.0.1 is admitted, and a rule
# that admits only the masked 127.0.0.0 refuses
{
    my $mk = marker();
    my ($res, $env) = echo('mask', "/both/cgi/admitted?$mk");
    is($res->code, 200, 'Require ip 127.0.0.1 admits the real address');
    is($env->{REMOTE_ADDR}, $masked, '... and the CGI then sees it masked');
    my ($ip, $h, $status) = logged('mask_log', $mk);
    is($ip, $masked, '... and the log shows it masked');

    $mk = marker();
    $res = get_from('mask', "/both/cgi/refused?$mk");
    is($res->code, 403, 'Require ip 127.0.0.0/32 refuses the real 127.0.0.1');
    ($ip, $h, $status) = logged('mask_log', $mk);
    is($status, 403, 'the refusal is logged');
    is($ip, $masked, '... with the address masked (refused before the fixups)');
    is($h, $masked, '... %h too');
}

# internal redirects (a per-directory rewrite to index.php, as Mautic's
# .htaccess does): masked for the backend, real for the target's Require ip
{
    my $mk = marker();
    my ($res, $env) = echo('mask', "/both/fpm/redirected?$mk");
    is($res->code, 200, 'the rewrite reaches php-fpm');
    is($env->{REMOTE_ADDR}, $masked, '... with REMOTE_ADDR masked');
    my ($ip) = logged('mask_log', $mk);
    is($ip, $masked, '... and logged masked');

    ($res, $env) = echo('mask', '/both/fpm/redirected-guarded');
    is($res->code, 200,
       "the redirect's target admits the real address (Require ip 127.0.0.1)");
    is($env->{REMOTE_ADDR}, $masked, '... and its backend sees it masked');
}

# The error log has one address per request, the one httpd holds when it
# writes: real before the fixups (a refusal), masked while the handler
# runs under both/backend (mod_proxy's failure to connect); the real one
# is in the note consentgate-address, for ErrorLogFormat.
sub error_lines {
    my ($pattern) = @_;
    open my $fh, '<', "$logs/mask_error_log" or return ();
    return grep { /$pattern/ } <$fh>;
}
# the first line matching $pattern after the $before already there
sub error_logged {
    my ($pattern, $before) = @_;
    for (1 .. 100) {
        my @lines = error_lines($pattern);
        return $lines[$before] if @lines > $before;
        Time::HiRes::sleep(0.05);
    }
    return '';
}
{
    my $before = () = error_lines(qr/AH01114/);
    my $res = get_from('mask', '/both/down/');
    is($res->code, 503, 'both: a backend that is down gives 503');
    my $line = error_logged(qr/AH01114/, $before);
    like($line, qr/\[client \Q$masked\E:\d+\]/,
         "both: mod_proxy's error line shows the masked address as %a");
    like($line, qr/\[real \Q$real\E\]/,
         '... and the real one in %{consentgate-address}n');

    $res = get_from('mask', '/logs/down/');
    $line = error_logged(qr/AH01114/, $before + 1);
    like($line, qr/\[client \Q$real\E:\d+\]/,
         "logs: mod_proxy's error line shows the real address");
    unlike($line, qr/\[real /, '... and no note: nothing was masked yet');

    $before = () = error_lines(qr/AH01630/);
    get_from('mask', '/both/cgi/refused');
    $line = error_logged(qr/AH01630/, $before);
    like($line, qr/\[client \Q$real\E:\d+\]/,
         'both: a refusal (before the fixups) logs the real address');
    unlike($line, qr/\[real /, '... and no note');
}

# unless=analytics: a visitor who granted analytics keeps the address
for my $where ('unless', 'unless-ungated') {
    my @cases = (
        [ 'no consent', [], $masked ],
        [ 'a grant of every category', [ Cookie => 'mautic_consent=yes' ], $real ],
        [ 'a refusal', [ Cookie => 'mautic_consent=no' ], $masked ],
        [ 'a grant of analytics',
          [ Cookie => 'mautic_consent='
                . structured_consent(categories => ['analytics']) ], $real ],
        [ 'a grant of tracking only',
          [ Cookie => 'mautic_consent='
                . structured_consent(categories => ['tracking']) ], $masked ],
        [ 'a grant and Sec-GPC: 1',
          [ Cookie => 'mautic_consent=yes', 'Sec-GPC' => '1' ], $masked ],
    );
    for my $c (@cases) {
        my ($what, $headers, $want) = @$c;
        my $mk = marker();
        my ($res, $env) = echo('mask', "/$where/cgi/?$mk", @$headers);
        is($env->{REMOTE_ADDR}, $want, "$where, $what: REMOTE_ADDR $want");
        my ($ip) = logged('mask_log', $mk);
        is($ip, $want, "$where, $what: logged $want");
    }
}

# mod_remoteip in front: its result (the trusted proxy's report) is masked
{
    my @xff = ('X-Forwarded-For' => '203.0.113.77');
    my $mk = marker();
    my ($res, $env) = echo('mask_remoteip', "/cgi/?$mk", @xff);
    is($env->{REMOTE_ADDR}, '203.0.0.0',
       'remoteip: the CGI gets the reported address masked');
    my ($ip, $h) = logged('mask_remoteip_log', $mk);
    is($ip, '203.0.0.0', 'remoteip: the log shows it masked (%a)');
    is($h, '203.0.0.0', 'remoteip: the log shows it masked (%h)');

    $mk = marker();
    ($res, $env) = echo('mask_remoteip', "/proxy/?$mk", @xff);
    is($env->{X_FORWARDED_FOR}, '203.0.0.0',
       'remoteip: the proxied backend gets it masked, the proxy consumed');
    ($ip) = logged('mask_remoteip_log', $mk);
    is($ip, '203.0.0.0', 'remoteip: logged masked (proxy)');

    ($res, $env) = echo('mask_remoteip', '/cgi24/', @xff);
    is($env->{REMOTE_ADDR}, '203.0.113.0', 'ipv4=/24 keeps three bytes');

    # Require ip sees mod_remoteip's result unmasked
    ($res, $env) = echo('mask_remoteip', '/cgi/admitted', @xff);
    is($res->code, 200, 'remoteip: Require ip 203.0.113.77 admits the report');
    is($env->{REMOTE_ADDR}, '203.0.0.0', '... which the CGI sees masked');
    $res = get_from('mask_remoteip', '/cgi/admitted');
    is($res->code, 403, '... and refuses the proxy itself');
}

# IPv6 over [::1], a /64 kept
SKIP: {
    skip 'no IPv6 loopback on this machine (t/run-tests: CG_IPV6)', 9
        unless ($ENV{CG_IPV6} || '') eq 'on';
    my $port = Apache::Test::vars('mask6_port');
    my $ua = LWP::UserAgent->new(keep_alive => 0, max_redirect => 0);
    my $get = sub {
        my ($path, @headers) = @_;
        my $res = $ua->get("http://[::1]:$port$path", @headers);
        my %seen = map { /^(\w+)=(.*)$/ ? ($1 => $2) : () }
            split /\n/, $res->content;
        return ($res, \%seen);
    };
    my $mk = marker();
    my ($res, $env) = $get->("/cgi/?$mk");
    is($res->code, 200, 'IPv6: the CGI answers over [::1]');
    is($env->{REMOTE_ADDR}, '::', 'IPv6: ::1 reaches the CGI as ::');
    my ($ip, $h) = logged('mask6_log', $mk);
    is($ip, '::', 'IPv6: logged as :: (%a)');
    is($h, '::', 'IPv6: logged as :: (%h)');

    my @xff = ('X-Forwarded-For' => '2001:db8:85a3:8d3:1319:8a2e:370:7348');
    $mk = marker();
    ($res, $env) = $get->("/cgi/?$mk", @xff);
    is($env->{REMOTE_ADDR}, '2001:db8:85a3:8d3::',
       'IPv6: a reported address keeps its /64 at the CGI');
    ($ip) = logged('mask6_log', $mk);
    is($ip, '2001:db8:85a3:8d3::', 'IPv6: ... and in the log');
    ($res, $env) = $get->('/proxy/', @xff);
    is($env->{X_FORWARDED_FOR}, '2001:db8:85a3:8d3::',
       'IPv6: ... and in X-Forwarded-For');

    ($res, $env) = $get->('/cgi/admitted');
    is($res->code, 200, 'IPv6: Require ip ::1 admits the real address');
    is($env->{REMOTE_ADDR}, '::', '... which the CGI sees masked');
}

done_testing();
