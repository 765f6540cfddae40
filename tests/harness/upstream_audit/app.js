document.querySelector('h1').title = 'served by the fixture';
