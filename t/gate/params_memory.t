# A 10 MB request body streams through with bounded memory: a body over
# ConsentScrubBodyLimit is never read into memory by the module (it passes
# unchanged), so no httpd child's peak resident memory grows by anything
# near its size. Checked on the children's VmHWM, not by time.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Digest::MD5 qw(md5_hex);
use Apache::Test ();
use CG;

sub children_hwm_kb {
    my $pid_file = Apache::Test::vars('t_logs') . '/httpd.pid';
    open my $fh, '<', $pid_file or return undef;
    chomp(my $parent = <$fh>);
    my $max = 0;
    for my $status (glob '/proc/[0-9]*/status') {
        open my $s, '<', $status or next;
        my ($ppid, $hwm) = (0, 0);
        while (<$s>) {
            $ppid = $1 if /^PPid:\s+(\d+)/;
            $hwm = $1 if /^VmHWM:\s+(\d+)/;
        }
        $max = $hwm if $ppid == $parent && $hwm > $max;
    }
    return $max;
}

my $before = children_hwm_kb();
plan skip_all => 'no /proc or no httpd children to look at' unless $before;

my $big = 'page_url=x&mautic_device_id=abc&pad=' . ('a' x (10 * 1024 * 1024));
for my $i (1 .. 3) {
    my $res = post_from('gate', '/cgi/echo', Content => $big,
                        'Content-Type' => 'application/x-www-form-urlencoded');
    is($res->content =~ /^body-md5: (\w+)$/m ? $1 : '', md5_hex($big),
       "10 MB body $i: it arrives whole and unchanged (over the limit)");
}
my $after = children_hwm_kb();
cmp_ok($after - $before, '<', 4096,
       "no child's peak memory grew by 4 MB or more ($before kB -> $after kB)");

done_testing();
