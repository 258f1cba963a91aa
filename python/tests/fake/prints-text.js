// Not a buddy-gym server: writes a line of text on stdout (as a wrong CLI would) and waits.
process.stdout.write('buddy-gym: dist/cli.js is missing; run `npm run build`\n');
setInterval(() => {}, 1000);
