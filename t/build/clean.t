# `make clean` removes what the build made and nothing tracked: a glob such
# as "*.d" once matched conf.d/ and removed the example configurations.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/../..";
chdir $top or die "$top: $!";
my @tracked = split /\n/, `git ls-files 2>/dev/null`;
plan skip_all => 'not a git checkout' unless @tracked;
my %tracked_top = map { m{^([^/]+)} ? ($1 => 1) : () } @tracked;
my %tracked = map { $_ => 1 } @tracked;

my @commands = grep { /^\s*rm\b/ } split /\n/, `make -n clean 2>/dev/null`;
ok(@commands, 'make clean removes something') or diag(`make -n clean 2>&1`);
my @hit;
for my $cmd (@commands) {
    my @words = split ' ', $cmd;
    for my $glob (grep { !/^-/ && $_ ne 'rm' } @words) {
        for my $path (glob $glob) {
            push @hit, $path if $tracked{$path} || ($tracked_top{$path} && -d $path);
        }
    }
}
is_deeply(\@hit, [], 'no tracked file or directory is removed') or diag("@hit");
done_testing();
