# After a `make test-valgrind` run, once httpd and its children have
# stopped and memcheck has written each process's summary: no memory error
# and nothing definitely lost in any of them.
use strict;
use warnings;
use Test::More;

my $log = $ENV{CG_VALGRIND_LOG} or plan skip_all => 'CG_VALGRIND_LOG not set';
my @logs = glob("$log.*");
my (@bad, $finished);
for my $f (@logs) {
    open my $in, '<', $f or next;
    my $text = do { local $/; <$in> };
    # a CGI child that exec()ed php-cgi, or a child receipts_load.t killed
    # on purpose, leaves its log without a summary: nothing to read there
    next unless $text =~ /ERROR SUMMARY:/;
    $finished++;
    push @bad, "$f:\n$text" if $text =~ /ERROR SUMMARY: [1-9]/ || $text =~ /definitely lost: [1-9]/;
}
ok(($finished || 0) >= 3, "memcheck summaries of the parent and the children ($finished of "
   . scalar(@logs) . ' processes; the rest exec()ed a CGI or were killed on purpose)');
is(scalar(@bad), 0, 'no memory error and nothing definitely lost') or diag(@bad);
done_testing();
