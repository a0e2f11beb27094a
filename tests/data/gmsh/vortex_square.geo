// The square [-5, 5]^2 of the vortex cases, meshed by Gmsh's frontal-Delaunay algorithm (irregular,
// unstructured triangles) at size h, with the four sides named for the case's boundary conditions.
//   gmsh -2 vortex_square.geo -format msh41 -setnumber h 0.5 -o vortex_square_h0.5.msh
DefineConstant[ h = {1.0, Name "mesh size"} ];
Mesh.Algorithm = 6;
Point(1) = {-5, -5, 0, h};
Point(2) = {5, -5, 0, h};
Point(3) = {5, 5, 0, h};
Point(4) = {-5, 5, 0, h};
Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
Physical Curve("bottom", 11) = {1};
Physical Curve("right", 12) = {2};
Physical Curve("top", 13) = {3};
Physical Curve("left", 14) = {4};
Physical Surface("fluid", 21) = {1};
