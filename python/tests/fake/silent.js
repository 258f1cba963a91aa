// Not a buddy-gym server: reads its stdin and never answers.
process.stdin.resume();
setInterval(() => {}, 1000);
