package CG;
# Helpers shared by the gate's tests: requests to a named vhost, and what
# a response's Set-Cookie lines say.
use strict;
use warnings;

use Exporter 'import';
use Apache::Test ();
use Apache::TestRequest ();
use Apache::TestConfig ();

our @EXPORT = qw(get_from head_from post_from set_cookie_lines cookie_names
    browser_tools vhost_url config_test config_dir graceful_restart
    has_cookie tracking_names empty_set_cookie TRACKING SESSION
    structured_consent raw_request);

use constant TRACKING => qw(mautic_device_id mtc_id mautic_referer_id);
use constant SESSION  => '0123456789abcdef0123456789abcdef';

# no redirects followed, no cookie jar: every response is looked at as sent
Apache::TestRequest::user_agent(reset => 1, requests_redirectable => 0,
                                keep_alive => 0);

sub _request {
    my ($method, $vhost, $path, @headers) = @_;
    Apache::TestRequest::module($vhost);
    no strict 'refs';
    return &{"Apache::TestRequest::$method"}($path, @headers);
}

sub get_from  { _request('GET',  @_) }
sub head_from { _request('HEAD', @_) }
sub post_from { _request('POST', @_) }

sub set_cookie_lines {
    my ($res) = @_;
    my @lines = $res->header('Set-Cookie');
    # LWP folds repeated fields into a list; an empty header still counts
    return map { defined $_ ? $_ : '' } @lines;
}

sub cookie_names {
    my ($res) = @_;
    return map { /^\s*([^=;]*)/ ? $1 : '' } set_cookie_lines($res);
}

sub has_cookie {
    my ($res, $name) = @_;
    return scalar grep { $_ eq $name } cookie_names($res);
}

sub tracking_names {
    my ($res) = @_;
    my %t = map { $_ => 1 } (TRACKING, 'mtc_sid');
    return grep { $t{$_} || /^mautic_page_\d+$/ } cookie_names($res);
}

# true when a response carries a Set-Cookie field with nothing in it
sub empty_set_cookie {
    my ($res) = @_;
    my $raw = $res->as_string;
    return $raw =~ /^Set-Cookie:[ \t]*\r?$/mi ? 1 : 0;
}

# sends a request exactly as written (e.g. two Cookie lines) to a vhost
sub raw_request {
    my ($vhost, $text) = @_;
    require HTTP::Response;
    my $sock = Apache::TestRequest::vhost_socket($vhost) or die "no socket";
    $text =~ s/\r?\n/\r\n/g;
    print $sock $text;
    local $/;
    my $raw = <$sock>;
    close $sock;
    return HTTP::Response->parse($raw);
}

# the module's own consent value: cg1.<cats>.<seconds>.<revision>.<receipt>
sub structured_consent {
    my (%a) = @_;
    my $cats = join '~', @{ $a{categories} || [] };
    my $when = defined $a{when} ? $a{when} : time;
    my $rev  = defined $a{revision} ? $a{revision} : 0;
    return "cg1.$cats.$when.$rev." . ($a{receipt} || 'r3c31pt0001');
}

# The browser tests' tools: node, Debian's chromium (CG_CHROMIUM overrides)
# and the npm packages named, as scripts/install-deps installs them. A
# missing one is a failure, not a skip: returns (top_dir, node, chromium)
# or prints a failing TAP test and exits.
sub browser_tools {
    my @packages = ('playwright-core', @_);
    my $top = Apache::Test::vars('top_dir');
    my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH};
    my $chromium = $ENV{CG_CHROMIUM} || '/usr/bin/chromium';
    my @missing;

    push @missing, 'node (apt-get install nodejs)' unless $node;
    push @missing, "chromium at $chromium (apt-get install chromium)"
        unless -x $chromium;
    push @missing, map { "$_ (npm ci)" }
        grep { !-d "$top/node_modules/$_" } @packages;
    if (@missing) {
        print "1..1\nnot ok 1 - the browser test can run\n";
        print "# missing: $_\n" for @missing;
        exit 1;
    }
    return ($top, $node, $chromium);
}

# The base URL of a vhost of the test server.
sub vhost_url {
    my ($vhost) = @_;
    Apache::TestRequest::module($vhost);
    return 'http://' . Apache::TestRequest::hostport();
}

# httpd -t on a configuration that loads the module (and the MPM and
# mod_authz_core) and ends in $tail, in a scratch directory of the test
# (config_dir()): (exit status, output, the configuration file).
my $config_dir;
sub config_dir {
    require File::Temp;
    $config_dir ||= File::Temp::tempdir(CLEANUP => 1);
    return $config_dir;
}

sub config_test {
    my ($tail) = @_;
    my $dir = config_dir();
    my $httpd = Apache::Test::vars('httpd');
    my $modules = $ENV{CG_HTTPD_MODULES} or die 'CG_HTTPD_MODULES not set';
    my $module = Apache::Test::vars('top_dir') . '/.libs/mod_consentgate.so';
    my $file = "$dir/httpd.conf";
    open my $fh, '>', $file or die "$file: $!";
    print $fh <<"CONF";
ServerRoot $dir
ServerName localhost
PidFile $dir/httpd.pid
ErrorLog $dir/error_log
Listen 127.0.0.1:1
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule consentgate_module $module
$tail
CONF
    close $fh;
    my $out = `'$httpd' -t -f '$file' 2>&1`;
    return ($? >> 8, $out, $file);
}

# Signals the test server to restart gracefully, then polls $until (every
# 0.2 s, 20 s at most): 1 once it holds, 0 if it never did.
sub graceful_restart {
    my ($until) = @_;
    my $pidfile = Apache::Test::vars('t_logs') . '/httpd.pid';
    open my $fh, '<', $pidfile or die "$pidfile: $!";
    chomp(my $pid = <$fh>);
    kill 'USR1', $pid or die "USR1: $!";
    for (1 .. 100) {
        select(undef, undef, undef, 0.2);
        return 1 if $until->();
    }
    return 0;
}

1;
